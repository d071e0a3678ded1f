// Where palisaded is on the bus (docs/dbus.md): what the daemon serves
// and enforcectl calls.
#pragma once

namespace palisade::enforce {

inline constexpr char kBusName[] = "org.palisade.Enforcer1";
inline constexpr char kObjectPath[] = "/org/palisade/Enforcer1";
inline constexpr char kInterface[] = "org.palisade.Enforcer1";
// A refusal's error name is this prefix and ServiceError::name.
inline constexpr char kErrorPrefix[] = "org.palisade.Enforcer1.Error.";

} // namespace palisade::enforce
