// `enforcectl fmt`: the canonical text of .rules files (dsl/format.h).
//   fmt FILE             print it ('-' reads standard input)
//   fmt -i FILE...       rewrite the files that are not canonical, in place
//   fmt --check FILE...  name the files that are not canonical
// A file that does not parse is reported like `check` does and left alone.
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"
#include "palisade/dsl/format.h"
#include "palisade/dsl/parser.h"
#include "terminal.h"

namespace palisade::enforce::cli {
namespace {

enum class FmtMode { Print, InPlace, Check };

// The file's text and its canonical form; nullopt (diagnostics printed) if
// it cannot be read or parsed.
struct Formatted {
  std::string original;
  std::string canonical;
};

std::optional<Formatted> format_file(const std::string &path) {
  dsl::Diagnostics diags;
  std::optional<dsl::PolicyFile> file;
  if (path == "-") {
    std::string text(std::istreambuf_iterator<char>(std::cin), {});
    file = dsl::parse_rules("<stdin>", std::move(text), diags);
  } else {
    file = dsl::parse_rules_file(path, diags);
  }
  std::fputs(render_diagnostics(diags).c_str(), stderr);
  if (!file)
    return std::nullopt;
  return Formatted{file->source->text, dsl::format_rules(*file)};
}

bool write_all(int fd, const std::string &text) {
  for (size_t done = 0; done < text.size();) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

// Replaces the content of `path` (through a symlink: of the file it names)
// at once: a reader sees the old text or the new, never a mix. The new file
// keeps the old one's permissions and, where allowed, its owner.
// Returns an error message, empty on success.
std::string replace_file(const std::string &path, const std::string &text) {
  char real[PATH_MAX];
  struct stat st {};
  if (!::realpath(path.c_str(), real) || ::stat(real, &st) != 0)
    return std::strerror(errno);
  std::string tmp = std::string(real) + ".fmt-XXXXXX";
  const int fd = ::mkstemp(tmp.data());
  if (fd < 0)
    return std::string("cannot create a temporary file: ") +
           std::strerror(errno);
  (void)::fchown(fd, st.st_uid, st.st_gid); // fails unless root: fine
  bool ok = ::fchmod(fd, st.st_mode & 07777) == 0 && write_all(fd, text) &&
            ::fsync(fd) == 0;
  const int err = errno;
  ok = ::close(fd) == 0 && ok;
  if (ok && ::rename(tmp.c_str(), real) == 0)
    return "";
  const std::string message = std::strerror(ok ? errno : err);
  ::unlink(tmp.c_str());
  return message;
}

struct FmtOptions {
  Args files;
  bool in_place = false, check = false;
};

int usage(const char *problem) {
  std::fprintf(stderr,
               "enforcectl fmt: %s\n"
               "Run `enforcectl fmt --help` for usage.\n",
               problem);
  return 2;
}

int fmt(const FmtOptions &o) {
  const FmtMode mode = o.in_place ? FmtMode::InPlace
                       : o.check  ? FmtMode::Check
                                  : FmtMode::Print;
  const Args &files = o.files;
  if (mode == FmtMode::Print && files.size() != 1)
    return usage("prints one file; use -i or --check for several");
  if (mode != FmtMode::Print)
    for (const std::string &f : files)
      if (f == "-")
        return usage("'-' (standard input) only works without -i/--check");

  int status = 0;
  for (const std::string &path : files) {
    const std::optional<Formatted> f = format_file(path);
    if (!f) {
      status = 1;
    } else if (mode == FmtMode::Print) {
      std::fwrite(f->canonical.data(), 1, f->canonical.size(), stdout);
    } else if (f->canonical == f->original) {
      // already canonical: nothing to say or write
    } else if (mode == FmtMode::Check) {
      std::printf("%s\n", path.c_str());
      status = 1;
    } else if (const std::string err = replace_file(path, f->canonical);
               !err.empty()) {
      std::fprintf(stderr, "%s: error: cannot rewrite the file: %s\n",
                   path.c_str(), err.c_str());
      status = 1;
    }
  }
  return status;
}

} // namespace

void add_fmt(CLI::App &app, int &status) {
  auto o = std::make_shared<FmtOptions>();
  CLI::App *cmd = app.add_subcommand(
      "fmt", "Print a .rules file in canonical style ('-': standard input); "
             "a file that does not parse is reported and left alone.");
  cmd->add_option("files", o->files, "policy files (.rules)")->required();
  CLI::Option *in_place = cmd->add_flag(
      "-i,--in-place", o->in_place, "rewrite the files that are not canonical");
  cmd->add_flag("--check", o->check,
                "list the files that are not canonical; exit 1 if any")
      ->excludes(in_place);
  cmd->callback([o, &status] { status = fmt(*o); });
}

} // namespace palisade::enforce::cli
