# Provides paho.mqtt.c as the targets PahoSharp::paho-mqtt3c, -3cs, -3a and -3as, from an installed
# package (default) or from source (PAHOSHARP_PAHO_FROM_SOURCE), stages their shared libraries under
# PAHOSHARP_STAGE_DIR/lib for the .NET build, and writes PAHOSHARP_STAGE_DIR/Paho.props describing
# which paho was taken.

set(_pahosharp_variants paho-mqtt3c paho-mqtt3cs paho-mqtt3a paho-mqtt3as)
set(_pahosharp_install_hint
    "Install Debian's package (apt-get install libpaho-mqtt-dev), or build paho.mqtt.c from source with -DPAHOSHARP_PAHO_FROM_SOURCE=ON [-DPAHOSHARP_PAHO_SOURCE_DIR=<paho.mqtt.c source tree>].")

# paho 1.3.12 reports itself as 1.3.11 (its release did not bump the version files), and so does
# Debian's libpaho-mqtt-dev 1.3.12-1; 1.3.11 is therefore the lowest number we can ask for.
set(_pahosharp_min_version 1.3.11)

if(PAHOSHARP_PAHO_FROM_SOURCE)
  set(PAHO_WITH_SSL ON CACHE BOOL "" FORCE)
  set(PAHO_HIGH_PERFORMANCE ON CACHE BOOL "" FORCE)
  set(PAHO_ENABLE_TESTING OFF CACHE BOOL "" FORCE)
  set(PAHO_BUILD_SHARED ON CACHE BOOL "" FORCE)
  set(PAHO_BUILD_STATIC OFF CACHE BOOL "" FORCE)
  set(PAHO_BUILD_SAMPLES OFF CACHE BOOL "" FORCE)
  set(PAHO_BUILD_DOCUMENTATION OFF CACHE BOOL "" FORCE)

  if(PAHOSHARP_PAHO_SOURCE_DIR)
    if(NOT EXISTS "${PAHOSHARP_PAHO_SOURCE_DIR}/CMakeLists.txt" OR NOT EXISTS "${PAHOSHARP_PAHO_SOURCE_DIR}/src/MQTTClient.h")
      message(FATAL_ERROR
        "PAHOSHARP_PAHO_SOURCE_DIR=${PAHOSHARP_PAHO_SOURCE_DIR} is not a paho.mqtt.c source tree "
        "(no CMakeLists.txt and src/MQTTClient.h there). Point it at one, or leave it empty to fetch "
        "${PAHOSHARP_PAHO_GIT_TAG}, or drop -DPAHOSHARP_PAHO_FROM_SOURCE=ON and apt-get install libpaho-mqtt-dev.")
    endif()
    set(_paho_src "${PAHOSHARP_PAHO_SOURCE_DIR}")
    add_subdirectory("${_paho_src}" "${CMAKE_BINARY_DIR}/paho.mqtt.c" EXCLUDE_FROM_ALL)
    set(_paho_origin "source (${_paho_src})")
  else()
    include(FetchContent)
    FetchContent_Declare(paho_mqtt_c
      GIT_REPOSITORY https://github.com/eclipse/paho.mqtt.c.git
      GIT_TAG "${PAHOSHARP_PAHO_GIT_TAG}"
      GIT_SHALLOW TRUE)
    FetchContent_GetProperties(paho_mqtt_c)
    if(NOT paho_mqtt_c_POPULATED)
      FetchContent_Populate(paho_mqtt_c)
      add_subdirectory("${paho_mqtt_c_SOURCE_DIR}" "${paho_mqtt_c_BINARY_DIR}" EXCLUDE_FROM_ALL)
    endif()
    set(_paho_src "${paho_mqtt_c_SOURCE_DIR}")
    set(_paho_origin "source (fetched ${PAHOSHARP_PAHO_GIT_TAG})")
  endif()

  set(_paho_version "")
  foreach(_part major minor patch)
    file(STRINGS "${_paho_src}/version.${_part}" _value LIMIT_COUNT 1)
    list(APPEND _paho_version "${_value}")
  endforeach()
  list(JOIN _paho_version "." PAHOSHARP_PAHO_VERSION)
  set(PAHOSHARP_PAHO_INCLUDE_DIR "${_paho_src}/src")
  set(PAHOSHARP_PAHO_HIGH_PERFORMANCE ON)
  foreach(_variant IN LISTS _pahosharp_variants)
    add_library(PahoSharp::${_variant} ALIAS ${_variant})
  endforeach()
else()
  # Debian's package config links the SSL variants to OpenSSL::SSL without finding OpenSSL itself.
  find_package(OpenSSL QUIET)
  if(NOT OpenSSL_FOUND)
    message(FATAL_ERROR "OpenSSL was not found (paho's SSL variants need it): apt-get install libssl-dev.")
  endif()
  find_package(eclipse-paho-mqtt-c ${_pahosharp_min_version} CONFIG QUIET)
  if(NOT eclipse-paho-mqtt-c_FOUND)
    message(FATAL_ERROR "paho.mqtt.c (>= 1.3.12, CMake package eclipse-paho-mqtt-c) was not found. ${_pahosharp_install_hint}")
  endif()
  foreach(_variant IN LISTS _pahosharp_variants)
    if(NOT TARGET eclipse-paho-mqtt-c::${_variant})
      message(FATAL_ERROR "The installed paho.mqtt.c lacks ${_variant} (the SSL variants are required). ${_pahosharp_install_hint}")
    endif()
    add_library(PahoSharp::${_variant} ALIAS eclipse-paho-mqtt-c::${_variant})
  endforeach()
  set(PAHOSHARP_PAHO_VERSION "${eclipse-paho-mqtt-c_VERSION}")
  get_target_property(PAHOSHARP_PAHO_INCLUDE_DIR eclipse-paho-mqtt-c::paho-mqtt3cs INTERFACE_INCLUDE_DIRECTORIES)
  if(NOT PAHOSHARP_PAHO_INCLUDE_DIR)
    find_path(PAHOSHARP_PAHO_INCLUDE_DIR MQTTClient.h REQUIRED)
  endif()
  get_target_property(_paho_file eclipse-paho-mqtt-c::paho-mqtt3cs LOCATION)
  set(_paho_origin "system (${_paho_file}")
  find_program(_dpkg_query dpkg-query)
  if(_dpkg_query)
    execute_process(COMMAND "${_dpkg_query}" -W "-f=\${Package} \${Version}" libpaho-mqtt-dev
      OUTPUT_VARIABLE _deb RESULT_VARIABLE _deb_rc ERROR_QUIET)
    if(_deb_rc EQUAL 0 AND _deb)
      string(APPEND _paho_origin ", Debian package ${_deb}")
    endif()
  endif()
  string(APPEND _paho_origin ")")
  set(PAHOSHARP_PAHO_HIGH_PERFORMANCE OFF)
endif()

# Stage each variant under its SONAME (what the dynamic loader and our .NET resolver ask for), with
# the versioned file it points to, so every program and test loads exactly this paho.
set(PAHOSHARP_PAHO_LIB_DIR "${PAHOSHARP_STAGE_DIR}/lib")
set(_stage_commands "")
foreach(_variant IN LISTS _pahosharp_variants)
  list(APPEND _stage_commands
    COMMAND "${CMAKE_COMMAND}" -E copy "$<TARGET_FILE:PahoSharp::${_variant}>" "${PAHOSHARP_PAHO_LIB_DIR}/"
    COMMAND "${CMAKE_COMMAND}" -E create_symlink "$<TARGET_FILE_NAME:PahoSharp::${_variant}>"
            "${PAHOSHARP_PAHO_LIB_DIR}/$<TARGET_SONAME_FILE_NAME:PahoSharp::${_variant}>")
endforeach()
file(REMOVE_RECURSE "${PAHOSHARP_PAHO_LIB_DIR}")
file(MAKE_DIRECTORY "${PAHOSHARP_PAHO_LIB_DIR}")
add_custom_target(paho_stage ALL
  ${_stage_commands}
  COMMENT "Staging paho.mqtt.c ${PAHOSHARP_PAHO_VERSION} into ${PAHOSHARP_PAHO_LIB_DIR}"
  VERBATIM)
if(PAHOSHARP_PAHO_FROM_SOURCE)
  add_dependencies(paho_stage ${_pahosharp_variants})
endif()

configure_file("${PROJECT_SOURCE_DIR}/build/cmake/Paho.props.in" "${PAHOSHARP_STAGE_DIR}/Paho.props" @ONLY)

message(STATUS "PahoSharp: paho.mqtt.c ${PAHOSHARP_PAHO_VERSION}, ${_paho_origin}")
message(STATUS "PahoSharp: paho headers ${PAHOSHARP_PAHO_INCLUDE_DIR}")
message(STATUS "PahoSharp: staged for .NET in ${PAHOSHARP_PAHO_LIB_DIR}")
