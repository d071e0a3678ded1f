// Values of the numeric and address fields (port, address, protocol,
// family, uid, gid, euid, pid) as the kernel matches them: a field's
// value is a fixed number of big-endian bytes, and a rule's set of values
// (one number, a range, a CIDR) is a set of bit prefixes of those bytes,
// each one key of the LPM trie (docs/abi.md "Value keys"). Any two
// prefixes nest or are disjoint, so the longest one that matches a value,
// plus every shorter key it extends, names every set holding the value.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace palisade::engine {

// A bit prefix of a field's value bytes.
struct ValueKey {
  std::array<uint8_t, 16> bytes{}; // zero past `bits`
  uint32_t bits = 0;

  bool operator==(const ValueKey &) const = default;
  auto operator<=>(const ValueKey &) const = default;
};

// Bytes of a value field's key (PAL_FIELD_PORT: 2, _ADDRESS: 16,
// _UID, _GID, _EUID, _PID: 4, _PROTOCOL and _FAMILY and _ACCESS: 1); 0 for
// a path field.
uint32_t value_width(uint8_t field);

// The smallest set of aligned prefixes whose union is [lo, hi], for values
// of `width` bytes. lo <= hi < 2^(8*width).
std::vector<ValueKey> range_prefixes(uint64_t lo, uint64_t hi, uint32_t width);

// A value as written in a rule, canonical or why not.
struct ParsedValue {
  std::string canonical; // "22", "6000-6063", "10.0.0.0/8", "::1/128", "tcp"
  std::string error;     // non-empty: what is wrong
  std::string hint;      // optional, with error
};

// Text of an address or CIDR ("10.0.0.0/8", "10.1.2.3", "fd00::/8",
// "::ffff:10.0.0.0/104"). Host bits must be zero; the canonical form of a
// single address has its full length ("10.1.2.3/32", "::1/128"); IPv4 is
// kept in its dotted form.
ParsedValue parse_address(std::string_view text);

// A port number 0..65535, or a range "lo-hi" (canonical form of ranges).
ParsedValue parse_port_range(uint64_t lo, uint64_t hi);

// The fields compared as numbers (port, uid, gid, euid, pid), the identity
// ones among them, the largest value of one (65535, 4294967295) and what
// its values are called in messages ("port", "uid").
bool is_number_field(uint8_t field);
bool is_id_field(uint8_t field);
uint64_t number_max(uint8_t field);
const char *number_noun(uint8_t field);

// A number of `field` 0..number_max, or a range "lo-hi" (canonical form):
// parse_port_range for any number field.
ParsedValue parse_number_range(uint8_t field, uint64_t lo, uint64_t hi);

// "tcp" / "udp"; "ipv4" / "ipv6".
ParsedValue parse_protocol(std::string_view text);
ParsedValue parse_family(std::string_view text);

// The keys of a canonical value of `field` (as the parse_* functions
// return it). Empty for a value that does not parse: the callers only pass
// canonical values.
std::vector<ValueKey> value_keys(uint8_t field, std::string_view canonical);

// Whether key `a` is a prefix of (or equal to) key `b`.
bool key_covers(const ValueKey &a, const ValueKey &b);

// The fields whose values are keys of one value each: port, address,
// protocol, family, uid, gid, euid, pid (not access: an open has several
// intents at once).
bool is_value_field(uint8_t field);

// The keys of every canonical value of `field`, sorted and unique.
std::vector<ValueKey> value_keys(uint8_t field,
                                 const std::vector<std::string> &canonical);

// Whether the union of `keys` holds every value of `key` (prefixes of a
// field `width` bytes wide): one of them covers it, or its two halves are
// each covered by the union.
bool union_covers(const std::vector<ValueKey> &keys, const ValueKey &key,
                  uint32_t width);

// A key of `field` as text: "6000-6063", "22", "10.0.0.0/8",
// "fd00::/8", "tcp", "ipv6" (a number for a byte no name has).
std::string value_key_text(uint8_t field, const ValueKey &key);

// Two keys share a value: one covers the other.
bool keys_overlap(const ValueKey &a, const ValueKey &b);

} // namespace palisade::engine
