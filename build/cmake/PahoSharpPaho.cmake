# Provides paho.mqtt.c as the targets PahoSharp::paho-mqtt3c, -3cs, -3a and -3as (and, when built from
# source, PahoSharp::paho-mqtt3*-static), stages the shared libraries under
# PAHOSHARP_STAGE_DIR/runtimes/<rid>/native for the .NET build and the packages, and writes
# PAHOSHARP_STAGE_DIR/Paho.props describing which paho was taken (host builds only).
#
# PAHOSHARP_PAHO=source (the default) builds the pinned release, taking its source from, in order:
#   1. PAHOSHARP_PAHO_SOURCE_DIR, a paho.mqtt.c tree (copied; never modified);
#   2. PAHOSHARP_PAHO_ARCHIVE, the release archive (default: ../shared/vendor/ beside the checkout),
#      its SHA-256 checked;
#   3. the upstream repository at the pinned commit (FetchContent; needs the internet).
# The patches under native/paho-patches/ are applied, in name order, to that copy; one that no longer
# applies fails the configure step.
# PAHOSHARP_PAHO=system uses an installed paho (CMake package eclipse-paho-mqtt-c, e.g. Debian's
# libpaho-mqtt-dev); the bindings then refuse to load it unless its version is the pinned one.

set(PAHOSHARP_PAHO_PINNED_VERSION 1.3.15)
set(PAHOSHARP_PAHO_PINNED_COMMIT 62782406bcf511ee8e22bc34e826f8c6b8254c7c)
set(PAHOSHARP_PAHO_ARCHIVE_SHA256 1d785fd7779f2c0057df6ea4909a8b4a55e48774f601188b6d402c088ef8e7fe)

set(PAHOSHARP_PAHO "source" CACHE STRING
    "Where paho.mqtt.c comes from: source (build the pinned ${PAHOSHARP_PAHO_PINNED_VERSION}) or system (an installed one)")
set_property(CACHE PAHOSHARP_PAHO PROPERTY STRINGS source system)
set(PAHOSHARP_PAHO_SOURCE_DIR "" CACHE PATH
    "A paho.mqtt.c ${PAHOSHARP_PAHO_PINNED_VERSION} source tree to build (empty: the archive, else the upstream repository)")
set(PAHOSHARP_PAHO_ARCHIVE "${PROJECT_SOURCE_DIR}/../shared/vendor/paho.mqtt.c-${PAHOSHARP_PAHO_PINNED_VERSION}.tar.gz" CACHE FILEPATH
    "The paho.mqtt.c ${PAHOSHARP_PAHO_PINNED_VERSION} release archive (git archive of the pinned tag)")
# PAHO_HIGH_PERFORMANCE (no function-entry tracing; with patch 0011 paho's heap is counted for
# Heap_get_info, the leak tests' measure, instead of tracked) is 6.6 to 9.1 times cheaper per message
# and is the default since patches 0012 (a double free that tracking hid) and 0013 (the socket error
# of a failed async connect on a normal trace line) removed what blocked it; OFF gives paho's own
# default build (tracing, tracking). docs/native.md has the measurements.
option(PAHOSHARP_PAHO_HIGH_PERFORMANCE
    "Build paho with PAHO_HIGH_PERFORMANCE: no function-entry tracing, heap counted (patch 0011) instead of tracked; see docs/native.md" ON)
option(PAHOSHARP_PAHO_NO_STACK_TRACE
    "With PAHOSHARP_PAHO_HIGH_PERFORMANCE=OFF: build paho with NOSTACKTRACE (no function-entry tracing; heap tracking kept); see docs/native.md" OFF)
option(PAHOSHARP_PAHO_TESTS "Build paho's own test programs (PAHO_ENABLE_TESTING) for build/paho-tests.sh" OFF)
option(PAHOSHARP_PAHO_PATCHES "Apply native/paho-patches/*.patch to paho's source" ON)

set(_pahosharp_variants paho-mqtt3c paho-mqtt3cs paho-mqtt3a paho-mqtt3as)

# The .NET runtime identifier of what this build makes: the packages carry runtimes/<rid>/native.
if(NOT PAHOSHARP_RID)
  string(TOLOWER "${CMAKE_SYSTEM_PROCESSOR}" _cpu)
  if(_cpu MATCHES "^(x86_64|amd64)$")
    set(_arch x64)
  elseif(_cpu MATCHES "^(aarch64|arm64)$")
    set(_arch arm64)
  elseif(_cpu MATCHES "^arm")
    set(_arch arm)
  else()
    set(_arch "${_cpu}")
  endif()
  if(WIN32)
    set(_os win)
  elseif(APPLE)
    set(_os osx)
  else()
    set(_os linux)
  endif()
  set(PAHOSHARP_RID "${_os}-${_arch}")
endif()
set(PAHOSHARP_RID "${PAHOSHARP_RID}" CACHE STRING "The .NET runtime identifier this build's libraries are staged under")

function(_pahosharp_prepare_source out_dir out_origin)
  set(_work "${CMAKE_BINARY_DIR}/_paho")
  set(_src "${_work}/paho.mqtt.c")
  set(_patches "")
  if(PAHOSHARP_PAHO_PATCHES)
    file(GLOB _patches "${PROJECT_SOURCE_DIR}/native/paho-patches/*.patch")
    list(SORT _patches)
  endif()

  # What the prepared copy is made of; a change of any input prepares it again.
  if(PAHOSHARP_PAHO_SOURCE_DIR)
    if(NOT EXISTS "${PAHOSHARP_PAHO_SOURCE_DIR}/CMakeLists.txt" OR NOT EXISTS "${PAHOSHARP_PAHO_SOURCE_DIR}/src/MQTTClient.h")
      message(FATAL_ERROR
        "PAHOSHARP_PAHO_SOURCE_DIR=${PAHOSHARP_PAHO_SOURCE_DIR} is not a paho.mqtt.c source tree (no CMakeLists.txt and "
        "src/MQTTClient.h there). Point it at one, or leave it empty to build from ${PAHOSHARP_PAHO_ARCHIVE}.")
    endif()
    set(_input "dir ${PAHOSHARP_PAHO_SOURCE_DIR}")
    set(_origin "source tree ${PAHOSHARP_PAHO_SOURCE_DIR}")
  elseif(EXISTS "${PAHOSHARP_PAHO_ARCHIVE}")
    file(SHA256 "${PAHOSHARP_PAHO_ARCHIVE}" _sha)
    if(NOT _sha STREQUAL PAHOSHARP_PAHO_ARCHIVE_SHA256)
      message(FATAL_ERROR
        "${PAHOSHARP_PAHO_ARCHIVE} has SHA-256 ${_sha}, not ${PAHOSHARP_PAHO_ARCHIVE_SHA256} (the git archive of paho.mqtt.c "
        "v${PAHOSHARP_PAHO_PINNED_VERSION}). Replace it with the right archive, or point PAHOSHARP_PAHO_ARCHIVE elsewhere.")
    endif()
    set(_input "archive ${_sha}")
    get_filename_component(_archive_name "${PAHOSHARP_PAHO_ARCHIVE}" NAME)
    set(_origin "archive ${_archive_name}, SHA-256 checked")
  else()
    set(_input "git ${PAHOSHARP_PAHO_PINNED_COMMIT}")
    set(_origin "upstream commit ${PAHOSHARP_PAHO_PINNED_COMMIT}")
  endif()
  foreach(_patch IN LISTS _patches)
    file(SHA256 "${_patch}" _patch_sha)
    get_filename_component(_patch_name "${_patch}" NAME)
    string(APPEND _input "\npatch ${_patch_name} ${_patch_sha}")
  endforeach()

  set(_stamp "${_work}/prepared.txt")
  set(_previous "")
  if(EXISTS "${_stamp}")
    file(READ "${_stamp}" _previous)
  endif()
  if(NOT _previous STREQUAL _input OR NOT EXISTS "${_src}/CMakeLists.txt")
    file(REMOVE_RECURSE "${_work}")
    file(MAKE_DIRECTORY "${_work}")
    if(_input MATCHES "^dir ")
      file(COPY "${PAHOSHARP_PAHO_SOURCE_DIR}/" DESTINATION "${_src}" PATTERN ".git" EXCLUDE)
    elseif(_input MATCHES "^archive ")
      file(ARCHIVE_EXTRACT INPUT "${PAHOSHARP_PAHO_ARCHIVE}" DESTINATION "${_work}/extract")
      file(GLOB _top LIST_DIRECTORIES true "${_work}/extract/*")
      list(LENGTH _top _count)
      if(NOT _count EQUAL 1 OR NOT EXISTS "${_top}/src/MQTTClient.h")
        message(FATAL_ERROR "${PAHOSHARP_PAHO_ARCHIVE} does not hold one paho.mqtt.c source tree.")
      endif()
      file(RENAME "${_top}" "${_src}")
      file(REMOVE_RECURSE "${_work}/extract")
    else()
      message(STATUS "PahoSharp: ${PAHOSHARP_PAHO_ARCHIVE} not found; fetching paho.mqtt.c ${PAHOSHARP_PAHO_PINNED_COMMIT} (needs the internet)")
      include(FetchContent)
      FetchContent_Populate(pahosharp_paho_upstream
        GIT_REPOSITORY https://github.com/eclipse-paho/paho.mqtt.c.git
        GIT_TAG "${PAHOSHARP_PAHO_PINNED_COMMIT}"
        SOURCE_DIR "${_src}"
        SUBBUILD_DIR "${_work}/fetch-subbuild"
        BINARY_DIR "${_work}/fetch-build"
        QUIET)
    endif()

    foreach(_patch IN LISTS _patches)
      get_filename_component(_patch_name "${_patch}" NAME)
      execute_process(
        COMMAND patch -p1 --batch --forward --fuzz=0 --no-backup-if-mismatch -i "${_patch}"
        WORKING_DIRECTORY "${_src}"
        RESULT_VARIABLE _rc OUTPUT_VARIABLE _out ERROR_VARIABLE _out)
      if(NOT _rc EQUAL 0)
        file(REMOVE_RECURSE "${_work}")
        message(FATAL_ERROR
          "native/paho-patches/${_patch_name} does not apply to paho.mqtt.c (${_origin}):\n${_out}\n"
          "Rebase the patch on this paho, or drop it if upstream now has the fix.")
      endif()
      message(STATUS "PahoSharp: applied native/paho-patches/${_patch_name}")
    endforeach()
    # A patched paho says so in the version it reports (MQTTClient_getVersionInfo, MQTTAsync_getVersionInfo).
    list(LENGTH _patches _patch_count)
    if(_patch_count GREATER 0)
      set(_version_in "${_src}/src/VersionInfo.h.in")
      file(READ "${_version_in}" _version_text)
      string(REPLACE "#define CLIENT_VERSION  \"@PROJECT_VERSION@\"" "#define CLIENT_VERSION  \"@PROJECT_VERSION@+pahosharp.${_patch_count}\""
             _marked "${_version_text}")
      if(_marked STREQUAL _version_text)
        file(REMOVE_RECURSE "${_work}")
        message(FATAL_ERROR "${_version_in} no longer defines CLIENT_VERSION as PahoSharp expects: the patched build cannot say it is patched.")
      endif()
      file(WRITE "${_version_in}" "${_marked}")
    endif()
    file(WRITE "${_stamp}" "${_input}")
  endif()

  set(${out_dir} "${_src}" PARENT_SCOPE)
  set(${out_origin} "${_origin}" PARENT_SCOPE)
  set(PAHOSHARP_PAHO_APPLIED_PATCHES "${_patches}" PARENT_SCOPE)
endfunction()

if(PAHOSHARP_PAHO STREQUAL "source")
  _pahosharp_prepare_source(_paho_src _paho_origin)

  # paho's own options, for its subproject only.
  set(PAHO_WITH_SSL ON CACHE BOOL "" FORCE)
  set(PAHO_WITH_UNIX_SOCKETS ON CACHE BOOL "" FORCE)
  set(PAHO_HIGH_PERFORMANCE ${PAHOSHARP_PAHO_HIGH_PERFORMANCE} CACHE BOOL "" FORCE)
  set(PAHO_ENABLE_TESTING ${PAHOSHARP_PAHO_TESTS} CACHE BOOL "" FORCE)
  set(PAHO_ENABLE_CPACK OFF CACHE BOOL "" FORCE)
  set(PAHO_BUILD_SHARED ON CACHE BOOL "" FORCE)
  set(PAHO_BUILD_STATIC ON CACHE BOOL "" FORCE)
  set(PAHO_BUILD_SAMPLES OFF CACHE BOOL "" FORCE)
  set(PAHO_BUILD_DOCUMENTATION OFF CACHE BOOL "" FORCE)
  # Reproducible libraries: paho stamps its build time into MQTTClient_getVersionInfo's "Build level".
  if(NOT DEFINED ENV{SOURCE_DATE_EPOCH})
    set(ENV{SOURCE_DATE_EPOCH} 1755302400) # 2025-08-16, the release's date
  endif()
  # paho's heap tracking and traces keep __FILE__: the libraries that ship name /_/paho.mqtt.c/src/...,
  # not this machine's build directory.
  string(APPEND CMAKE_C_FLAGS " -ffile-prefix-map=${_paho_src}=/_/paho.mqtt.c")
  add_subdirectory("${_paho_src}" "${CMAKE_BINARY_DIR}/paho.mqtt.c" EXCLUDE_FROM_ALL)
  if(PAHOSHARP_PAHO_NO_STACK_TRACE AND NOT PAHOSHARP_PAHO_HIGH_PERFORMANCE)
    # paho compiles its common sources once into object libraries and each variant's own sources
    # (MQTTClient.c, MQTTAsync.c, ...) in the library itself: both get the definition.
    foreach(_target common_obj common_obj_static common_ssl_obj common_ssl_obj_static)
      if(TARGET ${_target})
        target_compile_definitions(${_target} PRIVATE NOSTACKTRACE=1)
      endif()
    endforeach()
    foreach(_variant IN LISTS _pahosharp_variants)
      target_compile_definitions(${_variant} PRIVATE NOSTACKTRACE=1)
      target_compile_definitions(${_variant}-static PRIVATE NOSTACKTRACE=1)
    endforeach()
  endif()

  file(STRINGS "${_paho_src}/version.major" _major LIMIT_COUNT 1)
  file(STRINGS "${_paho_src}/version.minor" _minor LIMIT_COUNT 1)
  file(STRINGS "${_paho_src}/version.patch" _patch LIMIT_COUNT 1)
  set(PAHOSHARP_PAHO_VERSION "${_major}.${_minor}.${_patch}")
  if(NOT PAHOSHARP_PAHO_VERSION STREQUAL PAHOSHARP_PAHO_PINNED_VERSION)
    message(FATAL_ERROR
      "The paho.mqtt.c source (${_paho_origin}) is ${PAHOSHARP_PAHO_VERSION}; PahoSharp's bindings are made for "
      "${PAHOSHARP_PAHO_PINNED_VERSION}. Build that release, or regenerate the bindings (build/generate-bindings.sh) for this one.")
  endif()
  set(PAHOSHARP_PAHO_INCLUDE_DIR "${_paho_src}/src")
  set(PAHOSHARP_PAHO_HIGH_PERFORMANCE_BUILT ${PAHOSHARP_PAHO_HIGH_PERFORMANCE})
  foreach(_variant IN LISTS _pahosharp_variants)
    add_library(PahoSharp::${_variant} ALIAS ${_variant})
    add_library(PahoSharp::${_variant}-static ALIAS ${_variant}-static)
  endforeach()
  list(LENGTH PAHOSHARP_PAHO_APPLIED_PATCHES _patch_count)
  string(APPEND _paho_origin ", built by CMake")
  if(PAHOSHARP_PAHO_HIGH_PERFORMANCE)
    string(APPEND _paho_origin ", PAHO_HIGH_PERFORMANCE (no stack tracing; heap counted, not tracked)")
  elseif(PAHOSHARP_PAHO_NO_STACK_TRACE)
    string(APPEND _paho_origin ", NOSTACKTRACE (heap tracked)")
  else()
    string(APPEND _paho_origin ", paho's default (stack tracing, heap tracked)")
  endif()
  set(PAHOSHARP_PAHO_REPORTED_VERSION "${PAHOSHARP_PAHO_VERSION}")
  if(_patch_count GREATER 0)
    set(PAHOSHARP_PAHO_REPORTED_VERSION "${PAHOSHARP_PAHO_VERSION}+pahosharp.${_patch_count}")
    string(APPEND _paho_origin ", ${_patch_count} patches of native/paho-patches applied")
  endif()
elseif(PAHOSHARP_PAHO STREQUAL "system")
  set(_hint "Install Debian's package (apt-get install libpaho-mqtt-dev), or build the pinned paho with -DPAHOSHARP_PAHO=source (the default).")
  # Debian's package config links the SSL variants to OpenSSL::SSL without finding OpenSSL itself.
  find_package(OpenSSL QUIET)
  if(NOT OpenSSL_FOUND)
    message(FATAL_ERROR "OpenSSL was not found (paho's SSL variants need it): apt-get install libssl-dev.")
  endif()
  find_package(eclipse-paho-mqtt-c CONFIG QUIET)
  if(NOT eclipse-paho-mqtt-c_FOUND)
    message(FATAL_ERROR "paho.mqtt.c (CMake package eclipse-paho-mqtt-c) was not found. ${_hint}")
  endif()
  foreach(_variant IN LISTS _pahosharp_variants)
    if(NOT TARGET eclipse-paho-mqtt-c::${_variant})
      message(FATAL_ERROR "The installed paho.mqtt.c lacks ${_variant} (the SSL variants are required). ${_hint}")
    endif()
    add_library(PahoSharp::${_variant} ALIAS eclipse-paho-mqtt-c::${_variant})
  endforeach()
  set(PAHOSHARP_PAHO_VERSION "${eclipse-paho-mqtt-c_VERSION}")
  set(PAHOSHARP_PAHO_REPORTED_VERSION "${PAHOSHARP_PAHO_VERSION}")
  if(NOT PAHOSHARP_PAHO_VERSION STREQUAL PAHOSHARP_PAHO_PINNED_VERSION)
    message(WARNING
      "The installed paho.mqtt.c calls itself ${PAHOSHARP_PAHO_VERSION}; PahoSharp's bindings are made for "
      "${PAHOSHARP_PAHO_PINNED_VERSION} and will refuse to load it. The C programs still build against it.")
  endif()
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
  set(PAHOSHARP_PAHO_HIGH_PERFORMANCE_BUILT OFF)
else()
  message(FATAL_ERROR "PAHOSHARP_PAHO=${PAHOSHARP_PAHO}: say source (the default) or system.")
endif()

# Stage each variant under its SONAME (what the dynamic loader and our .NET resolver ask for), so
# every program, test and package loads exactly this paho; static libraries beside them for
# Native AOT's single-file option.
set(PAHOSHARP_PAHO_LIB_DIR "${PAHOSHARP_STAGE_DIR}/runtimes/${PAHOSHARP_RID}/native")
set(PAHOSHARP_PAHO_STATIC_DIR "${PAHOSHARP_STAGE_DIR}/runtimes/${PAHOSHARP_RID}/static")
set(_stage_commands "")
foreach(_variant IN LISTS _pahosharp_variants)
  list(APPEND _stage_commands
    COMMAND "${CMAKE_COMMAND}" -E copy "$<TARGET_FILE:PahoSharp::${_variant}>"
            "${PAHOSHARP_PAHO_LIB_DIR}/$<TARGET_SONAME_FILE_NAME:PahoSharp::${_variant}>")
  if(PAHOSHARP_PAHO STREQUAL "source")
    list(APPEND _stage_commands
      COMMAND "${CMAKE_COMMAND}" -E copy "$<TARGET_FILE:PahoSharp::${_variant}-static>" "${PAHOSHARP_PAHO_STATIC_DIR}/")
  endif()
endforeach()
file(REMOVE_RECURSE "${PAHOSHARP_PAHO_LIB_DIR}" "${PAHOSHARP_PAHO_STATIC_DIR}")
file(MAKE_DIRECTORY "${PAHOSHARP_PAHO_LIB_DIR}")
if(PAHOSHARP_PAHO STREQUAL "source")
  file(MAKE_DIRECTORY "${PAHOSHARP_PAHO_STATIC_DIR}")
endif()
add_custom_target(paho_stage ALL
  ${_stage_commands}
  COMMENT "Staging paho.mqtt.c ${PAHOSHARP_PAHO_VERSION} into ${PAHOSHARP_PAHO_LIB_DIR}"
  VERBATIM)
if(PAHOSHARP_PAHO STREQUAL "source")
  foreach(_variant IN LISTS _pahosharp_variants)
    add_dependencies(paho_stage ${_variant} ${_variant}-static)
  endforeach()
endif()

# Paho.props describes the host's paho to the .NET build; a cross build stages its libraries only.
if(NOT CMAKE_CROSSCOMPILING)
  configure_file("${PROJECT_SOURCE_DIR}/build/cmake/Paho.props.in" "${PAHOSHARP_STAGE_DIR}/Paho.props" @ONLY)
endif()

message(STATUS "PahoSharp: paho.mqtt.c ${PAHOSHARP_PAHO_REPORTED_VERSION} for ${PAHOSHARP_RID}, ${_paho_origin}")
message(STATUS "PahoSharp: paho headers ${PAHOSHARP_PAHO_INCLUDE_DIR}")
message(STATUS "PahoSharp: staged for .NET in ${PAHOSHARP_PAHO_LIB_DIR}")
