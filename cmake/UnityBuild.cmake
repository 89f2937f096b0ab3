# Unity ("jumbo") build: CMake concatenates up to BROCLUSTER_UNITY_BATCH_SIZE .cc files of
# one target into a generated unity_N_cxx.cxx and compiles that instead, so the big
# headers (msgpack, spdlog, zmq, gtest, <regex>, ...) are parsed once per batch rather
# than once per file. On the 2-core CI machines this is most of the build time.
#
# Included once, at the very end of the top-level CMakeLists.txt (and of fuzz/CMakeLists.txt),
# after every add_subdirectory(): it switches UNITY_BUILD on for every target that exists
# by then (so no CMakeLists.txt of a module needs to know about it) and excludes the files
# listed below from the batches. Off: -DBROCLUSTER_UNITY=OFF (e.g. to check that every
# file still compiles on its own, or to bisect a clash).
#
# Why some files are excluded: in a unity batch all the files of the batch are one
# translation unit, so two files of the same target that each define a helper with the
# same name in an anonymous namespace (or `static`), or a `using namespace`/`using` in
# one file that changes name lookup in the next, no longer compile (redefinition,
# ambiguous call, ...). The C++ is not changed for the unity build; such a file is built
# on its own instead.
#
# HOW TO EXCLUDE A FILE when a new or edited .cc clashes with another file of its target
# (the error names both files' lines inside .../CMakeFiles/<target>.dir/Unity/unity_N_cxx.cxx):
# add one of the two files, path relative to the source root, to the list of its
# directory below, or a new bc_unity_skip(<dir> <files>) line — <dir> is the directory
# whose CMakeLists.txt calls add_library/add_executable/bc_add_test for it. A file that is
# only sometimes present may be listed: missing files are ignored. Alternatively rename
# the helper (or give it a file-specific namespace) and leave the list alone.

option(BROCLUSTER_UNITY "Unity build: compile the .cc files of each target in batches" ON)
set(BROCLUSTER_UNITY_BATCH_SIZE 16 CACHE STRING
    "Files per unity batch (0: all of a target's files in one batch)")

# The repository's root, also when the fuzz project (fuzz/) includes this file.
get_filename_component(bc_unity_root "${CMAKE_CURRENT_LIST_DIR}/.." ABSOLUTE)

# bc_unity_skip(<dir> <file>...): <file>s (relative to <dir>) are compiled on their own.
# <dir> is relative to the repository's root; ignored when this project does not build it.
function(bc_unity_skip dir)
  set(abs_dir ${bc_unity_root}/${dir})
  if(NOT abs_dir IN_LIST bc_unity_dirs)
    return()
  endif()
  set(files)
  foreach(f IN LISTS ARGN)
    if(EXISTS ${abs_dir}/${f})
      list(APPEND files ${abs_dir}/${f})
    endif()
  endforeach()
  if(files)
    set_source_files_properties(${files} DIRECTORY ${abs_dir}
                                PROPERTIES SKIP_UNITY_BUILD_INCLUSION ON)
  endif()
endfunction()

# <dir> and the source directories below it (<dirs_out>), and their buildable targets.
function(bc_unity_collect dir dirs_out targets_out)
  get_property(targets DIRECTORY ${dir} PROPERTY BUILDSYSTEM_TARGETS)
  get_property(subdirs DIRECTORY ${dir} PROPERTY SUBDIRECTORIES)
  set(dirs ${dir})
  foreach(sub IN LISTS subdirs)
    bc_unity_collect(${sub} sub_dirs sub_targets)
    list(APPEND dirs ${sub_dirs})
    list(APPEND targets ${sub_targets})
  endforeach()
  set(${dirs_out} ${dirs} PARENT_SCOPE)
  set(${targets_out} ${targets} PARENT_SCOPE)
endfunction()

if(BROCLUSTER_UNITY)
  bc_unity_collect(${PROJECT_SOURCE_DIR} bc_unity_dirs bc_unity_targets)
  foreach(t IN LISTS bc_unity_targets)
    get_target_property(type ${t} TYPE)
    if(type MATCHES "^(EXECUTABLE|STATIC_LIBRARY|SHARED_LIBRARY|MODULE_LIBRARY|OBJECT_LIBRARY)$")
      set_target_properties(${t} PROPERTIES UNITY_BUILD ON
                                            UNITY_BUILD_BATCH_SIZE ${BROCLUSTER_UNITY_BATCH_SIZE})
    endif()
  endforeach()

  # The clashing files, per directory (see above). Each comment names what clashes.
  # errno_text, write_all (also in mailer.cc); quoted(std::string) finds std::quoted by
  # ADL once an earlier file of the batch has included <iomanip>.
  bc_unity_skip(collector log_archiver.cc stats_log.cc zeek_log.cc program_job.cc)
  # `using script::Value;` in its anonymous namespace; cluster_wire.cc and
  # control_commands.cc have `using msg::Value;`.
  bc_unity_skip(node/process node_settings.cc)
  # fail (host_commands.cc), kBacktraceTimeout (supervisor_events.cc).
  bc_unity_skip(supervisor node_commands.cc supervisor_commands.cc)
  # kDay (log_archiver_test.cc).
  bc_unity_skip(tests/unit/collector stats_log_test.cc)
endif()
