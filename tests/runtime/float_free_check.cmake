# Integer-only, proven on the binary: lists the undefined symbols of the inference libraries
# (runtime, ops, models, tokenizers) built for soft-float arm-linux-gnueabi, where every float or
# double operation the compiler emits becomes a call into libgcc's soft-float routines, and fails
# on any such call. The patterns cover GCC's whole soft-float library (gccint "Soft float library
# routines": arithmetic, conversions, comparisons, powi, complex mul/div) and its ARM EABI names
# (RTABI: __aeabi_f*, __aeabi_d*, __aeabi_[u]i2f/d, __aeabi_[u]l2f/d, __aeabi_cf*/cd*), plus
# the libm/libc float entry points a call could reach instead (sqrt, exp, lround, printf's %f is
# not detectable and not used). The C API library (intformer_logits_to_float, a boundary
# convenience) and the host tools are separate libraries and are not inspected.
# Usage: cmake -DNM=<nm> -DLIBS="<lib>|<lib>" -P float_free_check.cmake
set(_patterns
  "^__aeabi_[fd]"                                  # fadd fsub fmul fdiv fcmp* f2iz f2d d2f dadd ...
  "^__aeabi_u?[il]2[fd]$"                          # int/long -> float/double
  "^__aeabi_c[fd]"                                 # cfcmpeq cfcmple cdcmpeq cdrcmple ...
  "^__(add|sub|mul|div|neg)(sf|df|tf|xf)[23]$"     # __addsf3 __muldf3 __negsf2 ...
  "^__(extend|trunc)(sf|df|tf|xf|hf|bf)(sf|df|tf|xf|hf|bf)2$"
  "^__fix(uns)?(sf|df|tf|xf|hf)(si|di|ti)$"        # __fixsfsi __fixunsdfdi ...
  "^__float(un)?(si|di|ti)(sf|df|tf|xf|hf|bf)$"    # __floatsisf __floatundidf ...
  "^__(cmp|unord|eq|ne|ge|lt|le|gt)(sf|df|tf|xf)2$"
  "^__powi(sf|df|tf|xf)2$"
  "^__(mul|div)(sc|dc|tc|xc)3$"
  "^(sqrt|cbrt|exp|exp2|expm1|log|log2|log10|log1p|pow|sin|cos|tan|tanh|erf|erfc|fabs|floor|ceil|round|trunc|nearbyint|rint|lround|llround|lrint|llrint|ldexp|frexp|fmod|modf|hypot|fmin|fmax|strtod|strtof|atof)[fl]?$"
)
if(NOT NM OR NOT LIBS)
  message(FATAL_ERROR "float_free_check: pass -DNM=<nm> -DLIBS=<libraries>")
endif()
string(REPLACE "|" ";" LIBS "${LIBS}")
set(_bad "")
foreach(lib ${LIBS})
  execute_process(COMMAND ${NM} --undefined-only --format=posix ${lib}
                  OUTPUT_VARIABLE _out ERROR_VARIABLE _err RESULT_VARIABLE _rc)
  if(NOT _rc EQUAL 0)
    message(FATAL_ERROR "float_free_check: ${NM} ${lib} failed: ${_err}")
  endif()
  string(REPLACE "\n" ";" _lines "${_out}")
  set(_syms "")
  foreach(line ${_lines})
    if(line MATCHES "^([^ :]+) U")  # posix format: "<symbol> U"; archive member lines end in ':'
      list(APPEND _syms ${CMAKE_MATCH_1})
    endif()
  endforeach()
  list(REMOVE_DUPLICATES _syms)
  list(LENGTH _syms _n)
  set(_hits "")
  foreach(s ${_syms})
    foreach(p ${_patterns})
      if(s MATCHES "${p}")
        list(APPEND _hits ${s})
        break()
      endif()
    endforeach()
  endforeach()
  get_filename_component(_name ${lib} NAME)
  if(_hits)
    message("${_name}: ${_n} undefined symbols, FLOAT HELPERS: ${_hits}")
    list(APPEND _bad ${_hits})
  else()
    message("${_name}: ${_n} undefined symbols, none a soft-float or libm float routine")
  endif()
endforeach()
list(LENGTH _patterns _np)
message("checked with ${NM} against ${_np} patterns:")
foreach(p ${_patterns})
  message("  ${p}")
endforeach()
if(_bad)
  message(FATAL_ERROR "float on the inference path: ${_bad}")
endif()
