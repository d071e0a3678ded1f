#include "lower/value_keys.h"

#include <algorithm>
#include <arpa/inet.h>
#include <charconv>

#include <palisade/abi.h>

namespace palisade::engine {
namespace {

// The prefix [value, bits) of a `width`-byte big-endian number.
ValueKey number_key(uint64_t value, uint32_t bits, uint32_t width) {
  ValueKey k;
  for (uint32_t i = 0; i < width; ++i)
    k.bytes[i] = static_cast<uint8_t>(value >> (8 * (width - 1 - i)));
  k.bits = bits;
  return k;
}

bool parse_uint(std::string_view s, uint64_t &out) {
  if (s.empty() || s.size() > 20)
    return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size();
}

ParsedValue error(std::string message, std::string hint = "") {
  return {"", std::move(message), std::move(hint)};
}

// Clears the bits of `a` past `bits`; true when any was set.
bool clear_host_bits(std::array<uint8_t, 16> &a, uint32_t bits) {
  bool had = false;
  for (uint32_t i = 0; i < 16; ++i) {
    uint32_t keep = bits > 8 * i ? std::min<uint32_t>(8, bits - 8 * i) : 0;
    uint8_t mask = keep == 8 ? 0xff : static_cast<uint8_t>(0xff << (8 - keep));
    had = had || (a[i] & ~mask);
    a[i] &= mask;
  }
  return had;
}

} // namespace

uint32_t value_width(uint8_t field) {
  switch (field) {
  case PAL_FIELD_PORT:
    return 2;
  case PAL_FIELD_ADDRESS:
    return 16;
  case PAL_FIELD_UID:
  case PAL_FIELD_GID:
  case PAL_FIELD_EUID:
  case PAL_FIELD_PID:
    return 4;
  case PAL_FIELD_ACCESS:
  case PAL_FIELD_PROTOCOL:
  case PAL_FIELD_FAMILY:
    return 1;
  default:
    return 0;
  }
}

std::vector<ValueKey> range_prefixes(uint64_t lo, uint64_t hi, uint32_t width) {
  std::vector<ValueKey> out;
  const uint32_t total = 8 * width;
  for (;;) {
    // The largest aligned block starting at lo that ends by hi.
    uint32_t k = 0;
    while (k < total && (lo & ((uint64_t{2} << k) - 1)) == 0 &&
           lo + ((uint64_t{2} << k) - 1) <= hi)
      ++k;
    out.push_back(number_key(lo, total - k, width));
    const uint64_t last = lo + ((uint64_t{1} << k) - 1);
    if (last >= hi)
      return out;
    lo = last + 1;
  }
}

ParsedValue parse_address(std::string_view text) {
  std::string addr(text.substr(0, text.find('/')));
  const bool v4 = addr.find(':') == std::string::npos;
  std::array<uint8_t, 16> bytes{};
  uint8_t raw[16] = {};
  if (inet_pton(v4 ? AF_INET : AF_INET6, addr.c_str(), raw) != 1)
    return error("'" + std::string(text) + "' is not an IP address or CIDR",
                 "write an IPv4 or IPv6 address, optionally with a prefix "
                 "length: \"10.0.0.0/8\", \"2001:db8::/32\", \"::1\"");
  const uint32_t max_bits = v4 ? 32 : 128;
  uint64_t bits = max_bits;
  if (auto slash = text.find('/'); slash != std::string_view::npos &&
                                   !parse_uint(text.substr(slash + 1), bits))
    return error("'" + std::string(text.substr(slash)) +
                 "' is not a prefix length");
  if (bits > max_bits)
    return error("prefix length /" + std::to_string(bits) + " is out of range",
                 std::string("an ") + (v4 ? "IPv4" : "IPv6") +
                     " prefix length is 0.." + std::to_string(max_bits));
  // Check host bits in the family's own width.
  if (v4) {
    std::copy(raw, raw + 4, bytes.begin());
  } else {
    std::copy(raw, raw + 16, bytes.begin());
  }
  std::array<uint8_t, 16> clean = bytes;
  if (clear_host_bits(clean, static_cast<uint32_t>(bits))) {
    char buf[INET6_ADDRSTRLEN] = "";
    inet_ntop(v4 ? AF_INET : AF_INET6, clean.data(), buf, sizeof buf);
    return error("'" + std::string(text) + "' has host bits set",
                 "did you mean \"" + std::string(buf) + "/" +
                     std::to_string(bits) + "\"?");
  }
  char buf[INET6_ADDRSTRLEN] = "";
  inet_ntop(v4 ? AF_INET : AF_INET6, bytes.data(), buf, sizeof buf);
  return {std::string(buf) + "/" + std::to_string(bits), "", ""};
}

bool is_number_field(uint8_t field) {
  return field == PAL_FIELD_PORT || is_id_field(field);
}

bool is_id_field(uint8_t field) {
  return field == PAL_FIELD_UID || field == PAL_FIELD_GID ||
         field == PAL_FIELD_EUID || field == PAL_FIELD_PID;
}

uint64_t number_max(uint8_t field) {
  return (uint64_t{1} << (8 * value_width(field))) - 1;
}

const char *number_noun(uint8_t field) {
  switch (field) {
  case PAL_FIELD_UID:
    return "uid";
  case PAL_FIELD_GID:
    return "gid";
  case PAL_FIELD_EUID:
    return "euid";
  case PAL_FIELD_PID:
    return "pid";
  default:
    return "port";
  }
}

ParsedValue parse_number_range(uint8_t field, uint64_t lo, uint64_t hi) {
  const std::string noun = number_noun(field);
  const uint64_t max = number_max(field);
  if (hi > max)
    return error(noun + " " + std::to_string(hi) + " is out of range",
                 noun + "s are 0.." + std::to_string(max));
  if (lo > hi)
    return error("range " + std::to_string(lo) + ".." + std::to_string(hi) +
                     " is empty",
                 "write the smaller " + noun + " first");
  if (lo == hi)
    return {std::to_string(lo), "", ""};
  return {std::to_string(lo) + "-" + std::to_string(hi), "", ""};
}

ParsedValue parse_port_range(uint64_t lo, uint64_t hi) {
  return parse_number_range(PAL_FIELD_PORT, lo, hi);
}

ParsedValue parse_protocol(std::string_view text) {
  if (text == "tcp" || text == "udp")
    return {std::string(text), "", ""};
  return error("unknown protocol '" + std::string(text) + "'",
               "protocols are \"tcp\" and \"udp\"");
}

ParsedValue parse_family(std::string_view text) {
  if (text == "ipv4" || text == "ipv6")
    return {std::string(text), "", ""};
  return error("unknown address family '" + std::string(text) + "'",
               "families are \"ipv4\" and \"ipv6\"");
}

std::vector<ValueKey> value_keys(uint8_t field, std::string_view canonical) {
  switch (field) {
  case PAL_FIELD_PORT:
  case PAL_FIELD_UID:
  case PAL_FIELD_GID:
  case PAL_FIELD_EUID:
  case PAL_FIELD_PID: {
    uint64_t lo = 0, hi = 0;
    auto dash = canonical.find('-');
    if (!parse_uint(canonical.substr(0, dash), lo))
      return {};
    hi = lo;
    if (dash != std::string_view::npos &&
        !parse_uint(canonical.substr(dash + 1), hi))
      return {};
    if (lo > hi || hi > number_max(field))
      return {};
    return range_prefixes(lo, hi, value_width(field));
  }
  case PAL_FIELD_ADDRESS: {
    auto slash = canonical.find('/');
    std::string addr(canonical.substr(0, slash));
    uint64_t bits = 0;
    if (slash == std::string_view::npos ||
        !parse_uint(canonical.substr(slash + 1), bits))
      return {};
    ValueKey k;
    const bool v4 = addr.find(':') == std::string::npos;
    if (v4) {
      // IPv4 as ::ffff:a.b.c.d, the form the kernel reports it in.
      k.bytes[10] = k.bytes[11] = 0xff;
      if (inet_pton(AF_INET, addr.c_str(), k.bytes.data() + 12) != 1)
        return {};
      k.bits = 96 + static_cast<uint32_t>(bits);
    } else {
      if (inet_pton(AF_INET6, addr.c_str(), k.bytes.data()) != 1)
        return {};
      k.bits = static_cast<uint32_t>(bits);
    }
    return {k};
  }
  case PAL_FIELD_PROTOCOL:
    return {number_key(canonical == "tcp" ? 6 : 17, 8, 1)};
  case PAL_FIELD_FAMILY:
    return {number_key(canonical == "ipv4" ? 4 : 6, 8, 1)};
  default:
    return {};
  }
}

bool key_covers(const ValueKey &a, const ValueKey &b) {
  if (a.bits > b.bits)
    return false;
  for (uint32_t i = 0; 8 * i < a.bits; ++i) {
    uint32_t keep = std::min<uint32_t>(8, a.bits - 8 * i);
    uint8_t mask = keep == 8 ? 0xff : static_cast<uint8_t>(0xff << (8 - keep));
    if ((a.bytes[i] & mask) != (b.bytes[i] & mask))
      return false;
  }
  return true;
}

bool is_value_field(uint8_t field) {
  return field == PAL_FIELD_PORT || field == PAL_FIELD_ADDRESS ||
         field == PAL_FIELD_PROTOCOL || field == PAL_FIELD_FAMILY ||
         is_id_field(field);
}

std::vector<ValueKey> value_keys(uint8_t field,
                                 const std::vector<std::string> &canonical) {
  std::vector<ValueKey> out;
  for (const auto &v : canonical) {
    auto keys = value_keys(field, v);
    out.insert(out.end(), keys.begin(), keys.end());
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

bool keys_overlap(const ValueKey &a, const ValueKey &b) {
  return key_covers(a, b) || key_covers(b, a);
}

bool union_covers(const std::vector<ValueKey> &keys, const ValueKey &key,
                  uint32_t width) {
  bool inside = false; // some key lies strictly within `key`
  for (const auto &k : keys) {
    if (key_covers(k, key))
      return true;
    if (key_covers(key, k))
      inside = true;
  }
  if (!inside || key.bits >= 8 * width)
    return false;
  ValueKey lo = key, hi = key;
  lo.bits = hi.bits = key.bits + 1;
  hi.bytes[key.bits / 8] |= static_cast<uint8_t>(0x80 >> (key.bits % 8));
  return union_covers(keys, lo, width) && union_covers(keys, hi, width);
}

std::string value_key_text(uint8_t field, const ValueKey &key) {
  const uint32_t width = value_width(field);
  if (field == PAL_FIELD_ADDRESS) {
    static constexpr uint8_t kMapped[12] = {0, 0, 0, 0, 0,    0,
                                            0, 0, 0, 0, 0xff, 0xff};
    char buf[INET6_ADDRSTRLEN] = "";
    if (key.bits >= 96 &&
        std::equal(kMapped, kMapped + 12, key.bytes.begin())) {
      inet_ntop(AF_INET, key.bytes.data() + 12, buf, sizeof buf);
      return std::string(buf) + "/" + std::to_string(key.bits - 96);
    }
    inet_ntop(AF_INET6, key.bytes.data(), buf, sizeof buf);
    return std::string(buf) + "/" + std::to_string(key.bits);
  }
  uint64_t lo = 0;
  for (uint32_t i = 0; i < width; ++i)
    lo = lo << 8 | key.bytes[i];
  const uint32_t free = 8 * width - std::min(key.bits, 8 * width);
  const uint64_t hi =
      lo | ((free >= 64 ? ~uint64_t{0} : (uint64_t{1} << free) - 1));
  if (field == PAL_FIELD_PROTOCOL && lo == hi && (lo == 6 || lo == 17))
    return lo == 6 ? "tcp" : "udp";
  if (field == PAL_FIELD_FAMILY && lo == hi && (lo == 4 || lo == 6))
    return lo == 4 ? "ipv4" : "ipv6";
  return lo == hi ? std::to_string(lo)
                  : std::to_string(lo) + "-" + std::to_string(hi);
}

} // namespace palisade::engine
