# CPack pre-build script: Debian wants manual pages and changelogs
# compressed with gzip -9n in the package; cmake --install keeps them plain.
file(GLOB_RECURSE plain
  "${CPACK_TEMPORARY_INSTALL_DIRECTORY}/*/share/man/*.1"
  "${CPACK_TEMPORARY_INSTALL_DIRECTORY}/*/share/doc/relu/changelog")
foreach(file IN LISTS plain)
  execute_process(COMMAND gzip -9nf "${file}" COMMAND_ERROR_IS_FATAL ANY)
endforeach()
