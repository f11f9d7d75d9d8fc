# Copies an install, removes part of it (REMOVE), and runs the headless test on the copy (RUN).
file(REMOVE_RECURSE "${DEST}")
file(COPY "${SOURCE}/" DESTINATION "${DEST}")
file(REMOVE_RECURSE "${DEST}/${REMOVE}")
execute_process(COMMAND ${RUN} RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "headless test on a broken install failed (${result})")
endif()
