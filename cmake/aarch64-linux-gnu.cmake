# Cross-build for arm64 with Debian's toolchain and multiarch libraries
# (tests/cross/aarch64.sh installs them), the tests run under qemu-aarch64:
#   cmake -S . -B build-aarch64 \
#     -DCMAKE_TOOLCHAIN_FILE=cmake/aarch64-linux-gnu.cmake
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)

# Multiarch puts arm64's libraries beside the host's, under /usr: the
# host's own (x86-64) ones are told apart by CMAKE_LIBRARY_ARCHITECTURE,
# and pkg-config reads arm64's .pc files only. Header-only packages
# (CLI11, fast_float, doctest) come from the host.
set(ENV{PKG_CONFIG_LIBDIR}
  /usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig)

# Every aarch64 binary the build runs (relu_help at build time, the tests)
# runs through qemu-user; the dynamic loader and libraries are arm64's
# multiarch ones under /, where qemu looks by default.
find_program(RELU_QEMU_AARCH64 qemu-aarch64 REQUIRED)
set(CMAKE_CROSSCOMPILING_EMULATOR ${RELU_QEMU_AARCH64})
