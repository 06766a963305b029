# Cross-build for arm64 with Debian's toolchain and multiarch libraries
# (tests/cross/run.sh aarch64 installs them), the tests run under
# qemu-aarch64:
#   cmake -S . -B build-aarch64 \
#     -DCMAKE_TOOLCHAIN_FILE=cmake/aarch64-linux-gnu.cmake
set(CMAKE_SYSTEM_PROCESSOR aarch64)
include(${CMAKE_CURRENT_LIST_DIR}/linux-gnu-cross.cmake)
