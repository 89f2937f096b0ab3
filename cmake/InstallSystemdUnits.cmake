# Run by `cmake --install` (install(SCRIPT)): writes the systemd units of dist/systemd/*.in
# with the prefix given at install time, which is the BroBase (`--prefix` may differ from
# the one configured). Expects UNIT_SOURCE_DIR and UNIT_DEST (relative to the prefix).
get_filename_component(brobase "${CMAKE_INSTALL_PREFIX}" ABSOLUTE)
if(brobase MATCHES "[\n\r\t\"\\\\]")
  message(FATAL_ERROR "install prefix '${brobase}' has a quote, a backslash or a control "
                      "character, which a systemd unit cannot name; choose another prefix")
endif()
set(BROBASE "${brobase}")
# In ExecStart= `%` starts a specifier and `$` a variable: both doubled to be taken as is.
string(REPLACE "%" "%%" BROBASE_ESC "${brobase}")
string(REPLACE "$" "$$" BROBASE_ESC "${BROBASE_ESC}")
set(dest "$ENV{DESTDIR}${brobase}/${UNIT_DEST}")
file(GLOB templates "${UNIT_SOURCE_DIR}/*.service.in")
foreach(template ${templates})
  get_filename_component(name "${template}" NAME)
  string(REGEX REPLACE "\\.in$" "" name "${name}")
  message(STATUS "Installing: ${dest}/${name}")
  configure_file("${template}" "${dest}/${name}" @ONLY)
  file(CHMOD "${dest}/${name}" PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
endforeach()
