// The host tier's rule for a gtest that loads BPF programs: without root
// it fails in CI (CI set), where the tier must run, and skips with the
// reason elsewhere. A macro, because GTEST_SKIP and FAIL return from the
// function that uses them (the test body or SetUp).
#pragma once

#include <cstdlib>
#include <unistd.h>

#include <gtest/gtest.h>

#define PALISADE_REQUIRE_ROOT()                                                \
  do {                                                                         \
    if (geteuid() != 0) {                                                      \
      if (std::getenv("CI"))                                                   \
        FAIL() << "the host tier must run as root in CI";                      \
      GTEST_SKIP() << "needs root (loads BPF programs)";                       \
    }                                                                          \
  } while (0)
