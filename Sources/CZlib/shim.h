// The system's zlib (RFC 1950/1951), used by DiffusionKit's PNG writer.
// Debian/Ubuntu: apt-get install zlib1g-dev (listed among Swift's own Linux
// prerequisites); macOS: part of the SDK.
#include <zlib.h>
