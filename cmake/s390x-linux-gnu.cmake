# Cross-build for s390x with Debian's toolchain and multiarch libraries
# (tests/cross/s390x.sh installs them), the tests run under qemu-s390x:
#   cmake -S . -B build-s390x \
#     -DCMAKE_TOOLCHAIN_FILE=cmake/s390x-linux-gnu.cmake
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR s390x)
set(CMAKE_LIBRARY_ARCHITECTURE s390x-linux-gnu)
set(CMAKE_CXX_COMPILER s390x-linux-gnu-g++)

# Multiarch puts s390x's libraries beside the host's, under /usr: the
# host's own (x86-64) ones are told apart by CMAKE_LIBRARY_ARCHITECTURE,
# and pkg-config reads s390x's .pc files only. Header-only packages
# (CLI11, fast_float, doctest) come from the host.
set(ENV{PKG_CONFIG_LIBDIR}
  /usr/lib/s390x-linux-gnu/pkgconfig:/usr/share/pkgconfig)

# Every s390x binary the build runs (relu_help at build time, the tests)
# runs through qemu-user; the dynamic loader and libraries are s390x's
# multiarch ones under /, where qemu looks by default.
find_program(RELU_QEMU_S390X qemu-s390x REQUIRED)
set(CMAKE_CROSSCOMPILING_EMULATOR ${RELU_QEMU_S390X})
