# Runs one libFuzzer target for a bounded time (cmake -P script, see
# fuzz/CMakeLists.txt). libFuzzer exits non-zero on a crash, leak, timeout
# or out-of-memory; so does this script.
#   FUZZER WORK_DIR SEED_DIR EXTRA_CORPUS_DIR DICT SECONDS
set(corpus ${WORK_DIR}/corpus)
file(REMOVE_RECURSE ${corpus})
file(MAKE_DIRECTORY ${corpus} ${WORK_DIR}/artifacts)
file(GLOB seeds ${SEED_DIR}/*)
if(seeds)
  file(COPY ${seeds} DESTINATION ${corpus})
endif()

set(corpus_dirs ${corpus})
if(IS_DIRECTORY ${EXTRA_CORPUS_DIR})
  list(APPEND corpus_dirs ${EXTRA_CORPUS_DIR}) # read only: not the first dir
endif()

execute_process(
  COMMAND ${FUZZER} ${corpus_dirs}
    -dict=${DICT}
    -max_total_time=${SECONDS} -timeout=10 -rss_limit_mb=2048
    -artifact_prefix=${WORK_DIR}/artifacts/
    -print_final_stats=1
  WORKING_DIRECTORY ${WORK_DIR}
  RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "${FUZZER} failed (${result}); "
                      "the input is in ${WORK_DIR}/artifacts/")
endif()
