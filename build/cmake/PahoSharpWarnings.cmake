# Our own C code is held to -Wall -Wextra -Werror; paho's (when built from source) is not ours to fix.
function(pahosharp_strict_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror)
endfunction()
