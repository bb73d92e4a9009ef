# Fails when LINKS (a build/layers/<target>.links file: the core libraries a
# layer links, directly or through another) names any of FORBIDDEN.
#   cmake -DLINKS=build/layers/listinglens_store.links -DFORBIDDEN=listinglens_suggest -P check_links.cmake
cmake_minimum_required(VERSION 3.22)
if(NOT EXISTS "${LINKS}")
    message(FATAL_ERROR "${LINKS} is missing: configure the build first")
endif()
file(STRINGS "${LINKS}" linked)
foreach(forbidden IN LISTS FORBIDDEN)
    if(forbidden IN_LIST linked)
        message(FATAL_ERROR "${LINKS}: links ${forbidden}, a layer it may not use (it links: ${linked})")
    endif()
endforeach()
message(STATUS "${LINKS}: links none of ${FORBIDDEN} (it links: ${linked})")
