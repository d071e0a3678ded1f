// enforcectl: the Palisade command line.
#include <cstdio>
#include <cstring>
#include <string>

#include "commands.h"
#include "palisade/enforce/heap_pages.h"
#include "palisade/enforce/libbpf_log.h"

namespace {

const char kUsage[] =
    "usage: enforcectl <command> [options]\n"
    "\n"
    "commands:\n"
    "  run FILE...        enforce policies in the foreground, show events\n"
    "                     (root; no daemon needed). Options:\n"
    "                       -o compact|json     stdout view (default compact)\n"
    "                       --audit-log PATH    JSON lines audit trail\n"
    "                                           (default /var/log/palisade/audit.jsonl)\n"
    "                       --mechanism auto|tracepoint\n"
    "                                           exec mechanism (default: probe)\n"
    "                       --ready-file PATH   created once rules are enforced\n"
    "                       --duration SECONDS  stop after this long\n"
    "                       --ring-buffer-kib N kernel-to-user buffer (default 16384)\n"
    "  status [--json]    what is enforced now: mechanism, guarantee, modes\n"
    "  mode POLICY enforce|audit\n"
    "                     switch a policy of the running enforcement (one map write)\n"
    "  check [--json] FILE...\n"
    "                     parse and check policies (no root); exit 0/1;\n"
    "                     --json: the diagnostics as a JSON array on stdout\n"
    "  compile FILE...    print the compiled map image as canonical JSON\n"
    "  fmt FILE           print the file in canonical style; -i FILE...\n"
    "                     rewrites in place, --check FILE... lists the\n"
    "                     files that are not canonical (exit 1)\n"
    "  explain FILE... --event JSON [--json]\n"
    "                     how the policies decide one event, and why (no root)\n"
    "  probe [--json]     show which mechanism enforces each hook here\n"
    "  probe --verifier [--json] [--budget N]\n"
    "                     load each BPF program alone and print the verifier's\n"
    "                     instruction count; exit 1 if one is over N\n"
    "                     (default 500000) or refused where its kind loads\n"
    "  fields             the field reference of the language (Markdown)\n";

} // namespace

int main(int argc, char **argv) {
  using namespace palisade::enforce::cli;
  palisade::enforce::prefer_huge_heap_pages(); // before anything grows it
  if (argc < 2 || !std::strcmp(argv[1], "-h") || !std::strcmp(argv[1], "--help")) {
    std::fputs(kUsage, argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  palisade::enforce::install_libbpf_logger();
  const std::string cmd = argv[1];
  Args args(argv + 2, argv + argc);
  if (cmd == "run") return cmd_run(args);
  if (cmd == "check") return cmd_check(args);
  if (cmd == "compile") return cmd_compile(args);
  if (cmd == "fmt") return cmd_fmt(args);
  if (cmd == "explain") return cmd_explain(args);
  if (cmd == "probe") return cmd_probe(args);
  if (cmd == "fields") return cmd_fields(args);
  if (cmd == "mode") return cmd_mode(args);
  if (cmd == "status") return cmd_status(args);
  std::fprintf(stderr, "enforcectl: unknown command '%s'\n\n%s", cmd.c_str(),
               kUsage);
  return 2;
}
