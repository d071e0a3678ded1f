// The program table is the only place the loader learns what to load and
// attach: a program missing from it would never run, a row naming a
// program that does not exist would fail every load, and a row whose
// section does not fit its mechanism would enforce with the wrong one.
// Checked against the objects as built, without a kernel.
#include <map>
#include <set>
#include <string>

#include <bpf/libbpf.h>
#include <gtest/gtest.h>

#include "palisade/enforce/program_table.h"

namespace palisade::enforce {
namespace {

// program name -> section, for every program of `object`.
std::map<std::string, std::string> programs_of(const BpfObjectBytes &object) {
  LIBBPF_OPTS(bpf_object_open_opts, opts, .object_name = object.name.c_str());
  bpf_object *obj = bpf_object__open_mem(object.data, object.size, &opts);
  EXPECT_NE(obj, nullptr) << object.name;
  std::map<std::string, std::string> out;
  if (!obj)
    return out;
  bpf_program *prog;
  bpf_object__for_each_program(prog, obj) out[bpf_program__name(prog)] =
      bpf_program__section_name(prog);
  bpf_object__close(obj);
  return out;
}

bool starts_with(const std::string &s, const char *prefix) {
  return s.rfind(prefix, 0) == 0;
}

// The section prefixes a program of `role` may have.
bool section_fits(const ProgramRole &role, const std::string &section) {
  if (role.attach == Attach::Cgroup)
    return role.mechanism == PAL_MECH_CGROUP && starts_with(section, "cgroup/");
  switch (role.mechanism) {
  case PAL_MECH_LSM:
    return starts_with(section, "lsm/");
  case PAL_MECH_FMOD_RET:
    return starts_with(section, "fmod_ret/");
  case PAL_MECH_TP_SIGKILL:
  case PAL_MECH_CGROUP: // the kill half of cgroup rules, at syscall exit
  case kEveryMechanism:
    return starts_with(section, "tracepoint/") ||
           starts_with(section, "tp_btf/");
  default:
    return false;
  }
}

TEST(ProgramTable, EveryProgramHasExactlyOneRowThatFitsItsSection) {
  std::map<std::string, int> rows; // object/program -> rows naming it
  for (const ProgramRole &role : program_roles())
    ++rows[std::string(role.object) + "/" + role.program];
  size_t programs = 0;
  for (const BpfObjectBytes &object : enforcer_objects()) {
    for (const auto &[name, section] : programs_of(object)) {
      ++programs;
      const std::string key = object.name + "/" + name;
      EXPECT_EQ(rows[key], 1) << key << " (" << section << ")";
    }
  }
  EXPECT_EQ(programs, rows.size()) << "a row names a program no object has";
  for (const ProgramRole &role : program_roles()) {
    for (const BpfObjectBytes &object : enforcer_objects()) {
      if (object.name != role.object)
        continue;
      auto progs = programs_of(object);
      auto it = progs.find(role.program);
      ASSERT_NE(it, progs.end()) << role.object << "/" << role.program;
      EXPECT_TRUE(section_fits(role, it->second))
          << role.program << " in " << it->second;
    }
  }
}

TEST(ProgramTable, TheExecObjectLoadsFirstAndAlways) {
  const auto objects = enforcer_objects();
  ASSERT_FALSE(objects.empty());
  EXPECT_EQ(objects.front().name, "exec");
  const std::array<uint32_t, PAL_HOOKS> none{PAL_MECH_TP_SIGKILL, PAL_MECH_NONE,
                                             PAL_MECH_NONE, PAL_MECH_NONE};
  std::set<std::string> loaded_objects;
  for (const ProgramRole &role : program_roles())
    if (role_selected(role, none))
      loaded_objects.insert(role.object);
  EXPECT_EQ(loaded_objects, std::set<std::string>{"exec"});
}

TEST(ProgramTable, EachMechanismSelectsOnlyItsPrograms) {
  std::array<uint32_t, PAL_HOOKS> mech{PAL_MECH_LSM, PAL_MECH_FMOD_RET,
                                       PAL_MECH_CGROUP, PAL_MECH_NONE};
  std::set<std::string> selected;
  for (const ProgramRole &role : program_roles())
    if (role_selected(role, mech))
      selected.insert(role.program);
  EXPECT_TRUE(selected.count("pal_exec_lsm"));
  EXPECT_FALSE(selected.count("pal_exec_fmod"));
  EXPECT_TRUE(selected.count("pal_exec_done")); // every mechanism's
  EXPECT_TRUE(selected.count("pal_open_fmod"));
  EXPECT_FALSE(selected.count("pal_open_lsm"));
  EXPECT_FALSE(selected.count("pal_open_exit_openat"));
  EXPECT_TRUE(selected.count("pal_connect4"));
  EXPECT_FALSE(selected.count("pal_listen_lsm"));
  EXPECT_FALSE(selected.count("pal_listen_fmod"));
}

} // namespace
} // namespace palisade::enforce
