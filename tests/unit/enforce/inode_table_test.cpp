// Canonical names by inode: the kernel's dev encoding, the paths an image
// names, and the table stat() fills (enforce/inode_table.h).
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <unistd.h>

#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <gtest/gtest.h>

#include "palisade/dsl/parser.h"
#include "palisade/enforce/inode_table.h"
#include "palisade/engine/compile.h"

namespace palisade::enforce {
namespace {

TEST(KernelDev, IsMajorShiftedTwentyOrMinor) {
  EXPECT_EQ(kernel_dev(makedev(8, 1)), (8u << 20) | 1u);     // sda1
  EXPECT_EQ(kernel_dev(makedev(259, 3)), (259u << 20) | 3u); // nvme0n1p3
  EXPECT_EQ(kernel_dev(makedev(0, 0x12345)), 0x12345u);      // anon (tmpfs)
  EXPECT_EQ(kernel_dev(makedev(254, 0xfffff)), (254u << 20) | 0xfffffu);
  // glibc's dev_t is not that encoding: minors above 255 sit elsewhere.
  EXPECT_NE(kernel_dev(makedev(0, 300)),
            static_cast<uint32_t>(makedev(0, 300)));
}

engine::CompiledPolicy compile_text(const std::string &text, uint32_t slot) {
  dsl::Diagnostics diags;
  auto file = dsl::parse_rules("a.rules", text, diags);
  EXPECT_TRUE(file) << diags.render();
  std::vector<dsl::PolicyFile> files;
  files.push_back(std::move(*file));
  auto compiled = engine::compile(files, engine::TargetCaps{}, slot, diags);
  EXPECT_TRUE(compiled) << diags.render();
  return *compiled;
}

TEST(NamedPaths, ExactPathsAndDirectoriesOfPathBinaryAndTarget) {
  auto c = compile_text(R"(policy "p" mode enforce {
  deny open when path == "/etc/secret/key" or path under "/etc/secret"
  deny exec when path in ["/usr/bin/nc", "/usr/bin/socat"] and binary under "/opt/app"
  deny rename when target under "/srv/keys/"
  deny exec when cgroup under "/kubepods.slice"
  deny open when path under "/"
  deny connect when port == 22 and binary == "/usr/bin/ssh"
})",
                        1);
  EXPECT_EQ(named_paths(c.image),
            (std::vector<std::string>{"/etc/secret", "/etc/secret/key",
                                      "/opt/app", "/srv/keys", "/usr/bin/nc",
                                      "/usr/bin/socat", "/usr/bin/ssh"}));
}

// A scratch directory with a file, a directory, a symlink and a pair of
// hard links.
class InodeTableTest : public ::testing::Test {
protected:
  void SetUp() override {
    char tmpl[] = "/tmp/pal-inode-XXXXXX";
    ASSERT_TRUE(mkdtemp(tmpl));
    char real[PATH_MAX];
    ASSERT_TRUE(realpath(tmpl, real)); // /tmp may itself be a link
    dir_ = real;
    write(dir_ + "/file");
    ASSERT_EQ(mkdir((dir_ + "/sub").c_str(), 0700), 0);
    ASSERT_EQ(symlink((dir_ + "/file").c_str(), (dir_ + "/link").c_str()), 0);
    write(dir_ + "/one");
    ASSERT_EQ(link((dir_ + "/one").c_str(), (dir_ + "/two").c_str()), 0);
  }
  void TearDown() override {
    for (const char *n : {"/file", "/link", "/one", "/two"})
      unlink((dir_ + n).c_str());
    rmdir((dir_ + "/sub").c_str());
    rmdir(dir_.c_str());
  }
  static void write(const std::string &path) {
    int fd = open(path.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
    ASSERT_GE(fd, 0);
    close(fd);
  }
  static struct stat stat_of(const std::string &path) {
    struct stat st {};
    EXPECT_EQ(stat(path.c_str(), &st), 0);
    return st;
  }
  const InodeEntry *find(const InodeTable &t, const std::string &path) {
    for (const auto &e : t.entries)
      if (std::string(e.value.path, e.value.len) == path)
        return &e;
    return nullptr;
  }
  std::string dir_;
};

TEST_F(InodeTableTest, AFileAndADirectoryGetTheirKernelKeys) {
  const std::string file = dir_ + "/file", sub = dir_ + "/sub";
  InodeTable t = build_inode_table({file, sub}, 1);
  ASSERT_EQ(t.entries.size(), 2u);
  EXPECT_EQ(t.header.count, 2u);
  EXPECT_TRUE(t.notes.empty());
  for (const std::string &p : {file, sub}) {
    const InodeEntry *e = find(t, p);
    ASSERT_TRUE(e) << p;
    const struct stat st = stat_of(p);
    EXPECT_EQ(e->key.slot, 1u);
    EXPECT_EQ(e->key.dev, kernel_dev(st.st_dev));
    EXPECT_EQ(e->key.ino, st.st_ino);
    EXPECT_EQ(e->value.len, p.size());
    EXPECT_EQ(e->value.path[p.size()], '\0');
    const uint64_t bit = st.st_ino % PAL_INODE_BLOOM_BITS;
    EXPECT_TRUE((t.header.bloom[bit / 64] >> (bit % 64)) & 1) << p;
  }
}

TEST_F(InodeTableTest, GenerationIsKeptWhereTheFilesystemHasOne) {
  const std::string file = dir_ + "/file";
  int fd = open(file.c_str(), O_RDONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  int gen = 0;
  const bool fs_has_it = ioctl(fd, FS_IOC_GETVERSION, &gen) == 0;
  close(fd);
  InodeTable t = build_inode_table({file}, 0);
  ASSERT_EQ(t.entries.size(), 1u);
  // Read from the file handle, never by opening the file: where the
  // file system answers FS_IOC_GETVERSION too, both must agree.
  if (fs_has_it) {
    EXPECT_TRUE(t.entries[0].value.flags & PAL_INODE_GEN);
    EXPECT_EQ(t.entries[0].value.generation, static_cast<uint32_t>(gen));
  }
}

TEST_F(InodeTableTest, MissingAndSymlinkedNamesGetNoEntry) {
  InodeTable t = build_inode_table(
      {dir_ + "/missing", dir_ + "/link", dir_ + "/sub/../file"}, 0);
  EXPECT_TRUE(t.entries.empty());
  EXPECT_EQ(t.header.count, 0u);
  EXPECT_TRUE(t.notes.empty()); // path matching covers these: nothing to say
}

TEST_F(InodeTableTest, TwoNamesOfOneFileAreLeftToPathMatching) {
  InodeTable t =
      build_inode_table({dir_ + "/file", dir_ + "/one", dir_ + "/two"}, 0);
  ASSERT_EQ(t.entries.size(), 1u);
  EXPECT_EQ(std::string(t.entries[0].value.path), dir_ + "/file");
  ASSERT_EQ(t.notes.size(), 1u);
  EXPECT_NE(t.notes[0].find("are one file (hard links)"), std::string::npos)
      << t.notes[0];
}

} // namespace
} // namespace palisade::enforce
