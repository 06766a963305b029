# What a cross build for Debian's multiarch has in common, whatever the
# machine: the toolchain file of each (cmake/<processor>-linux-gnu.cmake)
# sets CMAKE_SYSTEM_PROCESSOR to its GNU name and includes this file.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_LIBRARY_ARCHITECTURE ${CMAKE_SYSTEM_PROCESSOR}-linux-gnu)
set(CMAKE_CXX_COMPILER ${CMAKE_LIBRARY_ARCHITECTURE}-g++)

# Multiarch puts the target's libraries beside the host's, under /usr: the
# host's own (x86-64) ones are told apart by CMAKE_LIBRARY_ARCHITECTURE,
# and pkg-config reads the target's .pc files only. Header-only packages
# (CLI11, fast_float, doctest) come from the host.
set(ENV{PKG_CONFIG_LIBDIR}
  /usr/lib/${CMAKE_LIBRARY_ARCHITECTURE}/pkgconfig:/usr/share/pkgconfig)

# Every target binary the build runs (relu_help at build time, the tests)
# runs through qemu-user; the dynamic loader and libraries are the
# target's multiarch ones under /, where qemu looks by default.
find_program(RELU_QEMU qemu-${CMAKE_SYSTEM_PROCESSOR} REQUIRED)
set(CMAKE_CROSSCOMPILING_EMULATOR ${RELU_QEMU})
