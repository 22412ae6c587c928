# Writes the text file IN into the C++ source OUT as `const char NAME[]`, so
# that data files of the project (the search thesaurus) ship inside the
# binary. Run by catalog/CMakeLists.txt: cmake -DIN=.. -DOUT=.. -DNAME=.. -P
file(READ "${IN}" content)
string(FIND "${content}" ")bibia_embed\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${IN} contains the raw string delimiter )bibia_embed\"")
endif()
file(WRITE "${OUT}.tmp" "// Generated from ${IN} by catalog/data/embed_text.cmake; do not edit.\nnamespace bibia::catalog {\nextern const char ${NAME}[];\nconst char ${NAME}[] = R\"bibia_embed(${content})bibia_embed\";\n}  // namespace bibia::catalog\n")
file(RENAME "${OUT}.tmp" "${OUT}")
