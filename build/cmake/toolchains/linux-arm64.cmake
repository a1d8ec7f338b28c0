# Cross-compiles PahoSharp's native side (paho.mqtt.c and our C programs) for linux-arm64 on a Debian
# x86-64 host, with Debian's cross compiler (gcc-aarch64-linux-gnu) and the arm64 OpenSSL of Debian's
# multiarch (libssl-dev:arm64). build/cross.sh linux-arm64 installs both and uses this file:
#   cmake -S . -B artifacts/cmake-linux-arm64 -DCMAKE_TOOLCHAIN_FILE=build/cmake/toolchains/linux-arm64.cmake
# Libraries, headers and CMake packages are looked for in the target's paths only, never the host's.

set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64) # PahoSharpPaho.cmake makes the runtime identifier linux-arm64 of it

set(_pahosharp_triplet aarch64-linux-gnu)
set(CMAKE_C_COMPILER ${_pahosharp_triplet}-gcc)
set(CMAKE_LIBRARY_ARCHITECTURE ${_pahosharp_triplet})

# The cross toolchain's own root (libc6-dev-arm64-cross); programs (patch, the compiler) from the host.
set(CMAKE_FIND_ROOT_PATH /usr/${_pahosharp_triplet})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# OpenSSL for arm64 lives outside that root, in Debian's multiarch directories: its libraries in
# /usr/lib/aarch64-linux-gnu, its headers in /usr/include (architecture-independent) and
# /usr/include/aarch64-linux-gnu (opensslconf.h, configuration.h). FindOpenSSL is given those exact
# files, so it never falls back on the host's (x86-64) OpenSSL. Debian's cross gcc searches
# /usr/include/aarch64-linux-gnu and /usr/include itself (multiarch), so no -I is needed for them.
set(_pahosharp_multiarch_lib /usr/lib/${_pahosharp_triplet})
set(_pahosharp_multiarch_include /usr/include/${_pahosharp_triplet})
foreach(_file ${_pahosharp_multiarch_lib}/libssl.so ${_pahosharp_multiarch_lib}/libcrypto.so
              ${_pahosharp_multiarch_include}/openssl/opensslconf.h /usr/include/openssl/ssl.h)
  if(NOT EXISTS "${_file}")
    message(FATAL_ERROR "${_file} is missing: the arm64 OpenSSL is not installed. "
      "Run bash build/cross.sh linux-arm64, or: dpkg --add-architecture arm64 && apt-get update && apt-get install libssl-dev:arm64")
  endif()
endforeach()
set(OPENSSL_INCLUDE_DIR /usr/include CACHE PATH "OpenSSL headers (arm64 multiarch)")
set(OPENSSL_SSL_LIBRARY ${_pahosharp_multiarch_lib}/libssl.so CACHE FILEPATH "libssl for arm64 (multiarch)")
set(OPENSSL_CRYPTO_LIBRARY ${_pahosharp_multiarch_lib}/libcrypto.so CACHE FILEPATH "libcrypto for arm64 (multiarch)")
# FindOpenSSL also asks pkg-config (for hints): the arm64 .pc files, not the host's.
set(ENV{PKG_CONFIG_LIBDIR} "${_pahosharp_multiarch_lib}/pkgconfig:/usr/share/pkgconfig")

# try_run and the programs built here (tests, probes) run under qemu-user.
find_program(_pahosharp_qemu qemu-aarch64-static)
if(_pahosharp_qemu)
  set(CMAKE_CROSSCOMPILING_EMULATOR ${_pahosharp_qemu})
endif()
