# Install the build into PREFIX and check the installed layout, and that
# the installed relu runs (through EMULATOR, if given).
file(REMOVE_RECURSE "${PREFIX}")
execute_process(COMMAND ${CMAKE_COMMAND} --install "${BUILD}" --prefix "${PREFIX}"
  OUTPUT_QUIET COMMAND_ERROR_IS_FATAL ANY)
foreach(path
    bin/relu
    share/man/man1/relu.1
    share/bash-completion/completions/relu
    share/zsh/site-functions/_relu
    share/fish/vendor_completions.d/relu.fish
    share/doc/relu/copyright)
  if(NOT EXISTS "${PREFIX}/${path}")
    message(FATAL_ERROR "not installed: ${path}")
  endif()
endforeach()
# EMULATOR: the command that runs it in a cross build (qemu-aarch64).
separate_arguments(emulator UNIX_COMMAND "${EMULATOR}")
execute_process(COMMAND ${emulator} "${PREFIX}/bin/relu" -- 2.0 -3.0
  OUTPUT_VARIABLE out COMMAND_ERROR_IS_FATAL ANY)
if(NOT out STREQUAL "2.0\n0\n")
  message(FATAL_ERROR "installed relu printed '${out}'")
endif()
message(STATUS "installed layout is complete")
