# Installing intformer: the C header, libintformer.so (intformer::intformer), a self-contained
# static libintformer.a (intformer::intformer_static: every internal archive merged into one),
# a CMake package (find_package(intformer)) and a pkg-config file (intformer.pc), plus the CLI.
# Only the C API is installed: the C++ headers are internal and change without notice.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(_cmake_dir ${CMAKE_INSTALL_LIBDIR}/cmake/intformer)

set_target_properties(intformer_shared PROPERTIES EXPORT_NAME intformer)
install(TARGETS intformer_shared EXPORT intformerTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(FILES ${PROJECT_SOURCE_DIR}/runtime/include/intformer/intformer.h
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/intformer)
install(EXPORT intformerTargets NAMESPACE intformer:: DESTINATION ${_cmake_dir})
install(TARGETS intformer_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

# The static archive: the C API objects and every internal library they need, merged with an
# ar MRI script so a consumer links one file (plus the system libraries below).
set(_static_parts intformer intformer_models intformer_tokenizers intformer_ops intformer_runtime)
set(_merged ${CMAKE_BINARY_DIR}/package/libintformer.a)
set(_mri "CREATE ${_merged}\n")
foreach(t ${_static_parts})
  string(APPEND _mri "ADDLIB $<TARGET_FILE:${t}>\n")
endforeach()
string(APPEND _mri "SAVE\nEND\n")
file(GENERATE OUTPUT ${CMAKE_BINARY_DIR}/package/libintformer.mri CONTENT "${_mri}")
add_custom_command(OUTPUT ${_merged}
  COMMAND ${CMAKE_COMMAND} -E rm -f ${_merged}
  COMMAND sh -c "'${CMAKE_AR}' -M < '${CMAKE_BINARY_DIR}/package/libintformer.mri'"
  DEPENDS ${_static_parts} ${CMAKE_BINARY_DIR}/package/libintformer.mri
  COMMENT "Merging the static libraries into package/libintformer.a" VERBATIM)
add_custom_target(intformer_static_package ALL DEPENDS ${_merged})
install(FILES ${_merged} DESTINATION ${CMAKE_INSTALL_LIBDIR})

# System libraries the static archive needs, as paths (CMake) and as -l flags (pkg-config).
# (utf8proc was found inside models/tokenizers/, whose variables do not reach this scope.)
find_library(INTFORMER_UTF8PROC_LIBRARY NAMES utf8proc REQUIRED)
set(_deps ${CPUINFO_LINK_LIBRARIES} ${PTHREADPOOL_LIBRARY} ${XXHASH_LINK_LIBRARIES}
          ${INTFORMER_UTF8PROC_LIBRARY})
if(INTFORMER_HAVE_ONEDNN)
  list(APPEND _deps ${DNNL_LIBRARY})
  if(INTFORMER_GOMP_LIBRARY)
    list(APPEND _deps ${INTFORMER_GOMP_LIBRARY})
  endif()
endif()
set(INTFORMER_STATIC_DEPS "${_deps}")
set(INTFORMER_PC_PRIVATE "")
foreach(d ${_deps})
  get_filename_component(_name ${d} NAME_WE)
  string(REGEX REPLACE "^lib" "" _name ${_name})
  string(APPEND INTFORMER_PC_PRIVATE " -l${_name}")
endforeach()

configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/intformerConfig.cmake.in
  ${CMAKE_BINARY_DIR}/package/intformerConfig.cmake INSTALL_DESTINATION ${_cmake_dir}
  PATH_VARS CMAKE_INSTALL_LIBDIR CMAKE_INSTALL_INCLUDEDIR)
write_basic_package_version_file(${CMAKE_BINARY_DIR}/package/intformerConfigVersion.cmake
  COMPATIBILITY SameMajorVersion)
install(FILES ${CMAKE_BINARY_DIR}/package/intformerConfig.cmake
              ${CMAKE_BINARY_DIR}/package/intformerConfigVersion.cmake
        DESTINATION ${_cmake_dir})

# pkg-config: `pkg-config --cflags --libs intformer` (shared); add --static for the archive.
# The prefix is found relative to the .pc file, so the installed tree can be moved.
file(RELATIVE_PATH INTFORMER_PC_TO_PREFIX /p/${CMAKE_INSTALL_LIBDIR}/pkgconfig /p)
string(REGEX REPLACE "/$" "" INTFORMER_PC_TO_PREFIX "${INTFORMER_PC_TO_PREFIX}")
configure_file(${PROJECT_SOURCE_DIR}/cmake/intformer.pc.in ${CMAKE_BINARY_DIR}/package/intformer.pc
               @ONLY)
install(FILES ${CMAKE_BINARY_DIR}/package/intformer.pc
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
