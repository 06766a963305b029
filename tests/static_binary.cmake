# With RELU_STATIC, check that RELU has no dynamic section (nothing for a
# loader to resolve, so it runs on any Linux of its architecture) and runs.
execute_process(COMMAND readelf --dynamic "${RELU}"
  OUTPUT_VARIABLE dynamic COMMAND_ERROR_IS_FATAL ANY)
if(NOT dynamic MATCHES "There is no dynamic section")
  message(FATAL_ERROR "relu is not fully static:\n${dynamic}")
endif()
execute_process(COMMAND "${RELU}" -- 2.0 -3.0
  OUTPUT_VARIABLE out COMMAND_ERROR_IS_FATAL ANY)
if(NOT out STREQUAL "2.0\n0\n")
  message(FATAL_ERROR "the static relu printed '${out}'")
endif()
message(STATUS "relu is fully static and runs")
