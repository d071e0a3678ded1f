// How much of the verifier's budget each BPF program uses on this kernel.
//
// Every program is loaded on its own (all others of its object left out),
// so one refusal cannot hide the figures of the rest, and the count read
// back is the program's own: bpf_prog_info.verified_insns on success, the
// "processed N insns" of the verifier's statistics on a refusal.
//
// The figure does not depend on the policy: a program is verified once at
// load, before any rule is written, and every loop in it is bounded by a
// constant of palisade/abi.h (path depth, candidate steps, literals per
// term, glob length), so it is already the figure of the largest policy
// the engine can emit. docs/mechanisms.md ("Verifier headroom") keeps the
// table for each kernel of the matrix.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "palisade/enforce/program_table.h"

namespace palisade::enforce {

// The kernel refuses any program past this many processed instructions.
inline constexpr uint32_t kVerifierLimit = 1000000;
// What the project allows itself: half, so a stricter verifier build still
// has room (the same tree has gone from passing to 1,000,001 between two
// 6.18 builds).
inline constexpr uint32_t kVerifierBudget = kVerifierLimit / 2;

struct ProgramVerification {
  std::string object;  // "exec"
  std::string program; // "pal_exec_lsm"
  std::string section; // "lsm/bprm_check_security"
  bool loaded = false;
  uint32_t insns = 0;  // processed instructions; 0 when not known
  std::string refusal; // when not loaded: errno text and the log's last line
};

// Loads every program of `object`, one at a time, and closes it again.
// Needs root (CAP_BPF) and, for tracepoint programs, tracefs.
std::vector<ProgramVerification>
verify_each_program(const BpfObjectBytes &object);

// The objects `enforcectl` loads: exec, file, net and the feature probe.
std::vector<BpfObjectBytes> enforcement_objects();

// The program kinds a kernel may not offer at all, by section prefix:
// "lsm", "fmod_ret", "kprobe", "cgroup"; "" for the kinds every kernel of
// the matrix runs (tracepoints, raw and BTF tracepoints).
std::string optional_kind(const std::string &section);

// The judgement over one report:
//  - a loaded program past `budget` fails;
//  - a refused program of an enforcement object fails, unless the
//    kernel refuses its kind altogether: the feature probe's program of
//    the same kind (object "probe") was refused too;
//  - the probe's own refusals are answers, never failures.
// Returns one line per failure ("" entries are never returned).
std::vector<std::string>
verifier_failures(const std::vector<ProgramVerification> &report,
                  uint32_t budget);

} // namespace palisade::enforce
