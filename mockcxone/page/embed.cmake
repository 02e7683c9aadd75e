# Writes OUT: a C file defining `const char mock__page_html[]` with the bytes
# of IN (the mock's page), so the page is edited as HTML and served from
# memory. Run by the build whenever IN changes.
file(READ "${IN}" hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
string(REGEX REPLACE "(0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,)" "\\1\n" bytes "${bytes}")
file(WRITE "${OUT}" "/* generated from mockcxone/page/admin.html: do not edit */\n"
                    "const char mock__page_html[] = {\n${bytes}0x00};\n")
