# Precompiled headers, shared by all targets: the standard library, ZeroMQ and spdlog (fmt)
# for every target that builds on bc_deps, and gtest + gmock on top for the test
# executables. Two donor targets compile them once each (bc_pch, bc_pch_test); every other
# target reuses theirs (REUSE_FROM) instead of precompiling its own, which with the unity
# build (one or two batches per target) would save nothing.
#
# Included at the very end of the top-level CMakeLists.txt, after cmake/UnityBuild.cmake.
# Off: -DBROCLUSTER_PCH=OFF (the default when -DBROCLUSTER_UNITY=OFF, so that the
# file-by-file build still checks that every file includes what it uses).
#
# GCC uses a precompiled header only when the flags and the macros it depends on are the
# same as when it was made; otherwise it silently parses the headers instead (correct,
# only slower). So a target gets a PCH only when it links bc_deps (its macros: MSGPACK_*,
# SPDLOG_*, FMT_*) and, for the test PCH, GTest::gtest (GTEST_HAS_PTHREAD); targets with
# compile options of their own are left out. The per-target macros (BC_SOURCE_DIR, ...)
# do not matter: no precompiled header uses them.

option(BROCLUSTER_PCH "Precompiled headers shared by all targets" ${BROCLUSTER_UNITY})

set(bc_pch_headers
    <algorithm> <array> <atomic> <chrono> <cstdint> <cstdio> <cstdlib> <cstring>
    <filesystem> <fstream> <functional> <iostream> <map> <memory> <optional> <set>
    <sstream> <string> <string_view> <thread> <utility> <variant> <vector>
    <zmq.hpp> <spdlog/spdlog.h>)

# Whether <target> links <lib>, directly or through the libraries it links.
function(bc_pch_links target lib out)
  set(seen)
  set(todo ${target})
  set(found FALSE)
  while(todo)
    list(POP_FRONT todo t)
    if(t IN_LIST seen OR NOT TARGET ${t})
      continue()
    endif()
    list(APPEND seen ${t})
    get_target_property(aliased ${t} ALIASED_TARGET)
    if(aliased)
      set(t ${aliased})
    endif()
    if(t STREQUAL lib)
      set(found TRUE)
      break()
    endif()
    get_target_property(type ${t} TYPE)
    set(deps)
    if(NOT type STREQUAL "INTERFACE_LIBRARY")
      get_target_property(direct ${t} LINK_LIBRARIES)
      if(direct)
        list(APPEND deps ${direct})
      endif()
    endif()
    get_target_property(iface ${t} INTERFACE_LINK_LIBRARIES)
    if(iface)
      list(APPEND deps ${iface})
    endif()
    list(APPEND todo ${deps})
  endwhile()
  set(${out} ${found} PARENT_SCOPE)
endfunction()

if(BROCLUSTER_PCH)
  set(bc_pch_source ${PROJECT_BINARY_DIR}/bc_pch.cc)
  file(CONFIGURE OUTPUT ${bc_pch_source} CONTENT "// The donor of the shared precompiled headers.\n")

  add_library(bc_pch OBJECT ${bc_pch_source})
  target_link_libraries(bc_pch PRIVATE bc_deps)
  target_precompile_headers(bc_pch PRIVATE ${bc_pch_headers})

  if(BROCLUSTER_TESTS)
    find_package(GTest REQUIRED)
    add_library(bc_pch_test OBJECT ${bc_pch_source})
    target_link_libraries(bc_pch_test PRIVATE bc_deps GTest::gtest GTest::gmock)
    target_precompile_headers(bc_pch_test PRIVATE ${bc_pch_headers} <gtest/gtest.h>
                              <gmock/gmock.h>)
  endif()

  bc_unity_collect(${PROJECT_SOURCE_DIR} bc_pch_dirs bc_pch_targets)
  foreach(t IN LISTS bc_pch_targets)
    get_target_property(type ${t} TYPE)
    if(NOT type MATCHES "^(EXECUTABLE|STATIC_LIBRARY|OBJECT_LIBRARY)$" OR t MATCHES "^bc_pch")
      continue()
    endif()
    get_target_property(options ${t} COMPILE_OPTIONS)
    get_target_property(dir ${t} SOURCE_DIR)
    get_directory_property(dir_options DIRECTORY ${dir} COMPILE_OPTIONS)
    if(NOT "${options}" STREQUAL "${dir_options}")
      continue()
    endif()
    bc_pch_links(${t} bc_deps uses_deps)
    if(NOT uses_deps)
      continue()
    endif()
    bc_pch_links(${t} GTest::gtest uses_gtest)
    if(uses_gtest)
      target_precompile_headers(${t} REUSE_FROM bc_pch_test)
    else()
      target_precompile_headers(${t} REUSE_FROM bc_pch)
    endif()
  endforeach()
endif()
