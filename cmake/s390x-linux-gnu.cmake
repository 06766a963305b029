# Cross-build for s390x with Debian's toolchain and multiarch libraries
# (tests/cross/run.sh s390x installs them), the tests run under qemu-s390x:
#   cmake -S . -B build-s390x \
#     -DCMAKE_TOOLCHAIN_FILE=cmake/s390x-linux-gnu.cmake
set(CMAKE_SYSTEM_PROCESSOR s390x)
include(${CMAKE_CURRENT_LIST_DIR}/linux-gnu-cross.cmake)
