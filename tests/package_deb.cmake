# Build the Debian package of BUILD into OUT with cpack, and check it: the
# files it installs, a Depends computed by dpkg-shlibdeps, and lintian with
# no errors or warnings.
file(REMOVE_RECURSE "${OUT}")
execute_process(COMMAND cpack -G DEB --config "${BUILD}/CPackConfig.cmake" -B "${OUT}"
  OUTPUT_QUIET COMMAND_ERROR_IS_FATAL ANY)
file(GLOB deb "${OUT}/relu_*.deb")
execute_process(COMMAND dpkg-deb -f "${deb}" Depends
  OUTPUT_VARIABLE depends COMMAND_ERROR_IS_FATAL ANY)
# The C++ runtime and MPFR are linked statically, GMP is not (CMakeLists.txt).
if(NOT depends MATCHES "^libc6 \\(>= [0-9.]+\\), libgmp10 \\(>= [^)]+\\)\n?$")
  message(FATAL_ERROR "unexpected Depends: ${depends}")
endif()
execute_process(COMMAND dpkg-deb -c "${deb}"
  OUTPUT_VARIABLE contents COMMAND_ERROR_IS_FATAL ANY)
foreach(path
    ./usr/bin/relu
    ./usr/share/man/man1/relu.1.gz
    ./usr/share/bash-completion/completions/relu
    ./usr/share/zsh/site-functions/_relu
    ./usr/share/fish/vendor_completions.d/relu.fish
    ./usr/share/doc/relu/copyright
    ./usr/share/doc/relu/changelog.gz)
  string(FIND "${contents}" " ${path}\n" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "not in the package: ${path}\n${contents}")
  endif()
endforeach()
execute_process(COMMAND lintian --fail-on error,warning "${deb}"
  RESULT_VARIABLE status OUTPUT_VARIABLE tags ERROR_VARIABLE tags)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "lintian: ${tags}")
endif()
message(STATUS "${deb}: Depends: ${depends}lintian: clean")
