# ctest script: install the build into a temporary prefix, then build examples/classify.c against
# the installed package the two ways a user would (CMake find_package, static and shared; and
# pkg-config with a plain C compiler) and run each on the converted bundled model.
# Variables: BUILD_DIR, SOURCE_DIR, WORK_DIR, MODEL, GENERATOR, C_COMPILER.
function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    string(REPLACE ";" " " cmd "${ARGN}")
    message(FATAL_ERROR "failed (${rc}): ${cmd}\n${out}\n${err}")
  endif()
  set(last_output "${out}" PARENT_SCOPE)
endfunction()

function(expect_positive what)
  if(NOT last_output MATCHES "positive .*a gripping")
    message(FATAL_ERROR "${what}: unexpected output:\n${last_output}")
  endif()
  message(STATUS "${what}: ${last_output}")
endfunction()

set(prefix ${WORK_DIR}/prefix)
file(REMOVE_RECURSE ${WORK_DIR})
run(${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix})
foreach(f include/intformer/intformer.h lib/libintformer.a lib/cmake/intformer/intformerConfig.cmake
          lib/pkgconfig/intformer.pc bin/intformer)
  if(NOT EXISTS ${prefix}/${f})
    message(FATAL_ERROR "not installed: ${f}")
  endif()
endforeach()

# CMake package.
run(${CMAKE_COMMAND} -S ${SOURCE_DIR}/examples -B ${WORK_DIR}/examples -G ${GENERATOR}
    -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_C_COMPILER=${C_COMPILER})
run(${CMAKE_COMMAND} --build ${WORK_DIR}/examples)
run(${WORK_DIR}/examples/classify_static ${MODEL} "a gripping , beautifully acted film")
expect_positive("find_package, static")
run(${WORK_DIR}/examples/classify_shared ${MODEL} "a gripping , beautifully acted film")
expect_positive("find_package, shared")

# pkg-config with the plain C compiler.
find_program(PKG_CONFIG pkg-config REQUIRED)
set(ENV{PKG_CONFIG_PATH} ${prefix}/lib/pkgconfig)
run(${PKG_CONFIG} --cflags --libs intformer)
string(STRIP "${last_output}" flags)
separate_arguments(flags UNIX_COMMAND "${flags}")
run(${C_COMPILER} -std=c11 -O2 ${SOURCE_DIR}/examples/classify.c -o ${WORK_DIR}/classify_pc
    ${flags} -Wl,-rpath,${prefix}/lib -lm)
run(${WORK_DIR}/classify_pc ${MODEL} "a gripping , beautifully acted film")
expect_positive("pkg-config, shared")
