// Printable(): caller-chosen text made safe to store, log and echo; and the
// UTF-8 decoder it shares with validation.
#include "catalog/printable.h"

#include <string>

#include "catalog/utf8.h"
#include "gtest/gtest.h"

namespace bibia::catalog {
namespace {

TEST(PrintableTest, KeepsPrintableTextAndUtf8AsIs) {
  EXPECT_EQ(Printable("nantes-prevision-frequentation"), "nantes-prevision-frequentation");
  EXPECT_EQ(Printable("Élève à Orléans — 10 €"), "Élève à Orléans — 10 €");
  EXPECT_EQ(Printable(""), "");
}

TEST(PrintableTest, EscapesControlCharactersDelC1AndInvalidBytes) {
  EXPECT_EQ(Printable("a\nb\tc\rd"), "a\\x0ab\\x09c\\x0dd");
  EXPECT_EQ(Printable("\x1b[2J\x1b]0;owned\x07"), "\\x1b[2J\\x1b]0;owned\\x07");
  EXPECT_EQ(Printable(std::string("nul\0byte", 8)), "nul\\x00byte");
  EXPECT_EQ(Printable("del\x7f"), "del\\x7f");
  EXPECT_EQ(Printable("csi\xc2\x9b" "31m"), "csi\\u{9b}31m");  // U+009B, the 8-bit CSI
  EXPECT_EQ(Printable("bad\xff\xfe"), "bad\\xff\\xfe");
  EXPECT_EQ(Printable("cut\xc3"), "cut\\xc3");                // a truncated sequence
  EXPECT_EQ(Printable("over\xc0\xaf"), "over\\xc0\\xaf");     // an overlong '/'
}

TEST(PrintableTest, CutsLongTextOnACharacterBoundaryAndSaysHowLongItWas) {
  const std::string id(8 << 20, 'x');
  const std::string shown = Printable(id);
  EXPECT_EQ(shown, std::string(kMaxEchoedValueBytes, 'x') + "…(8388608 bytes)");
  EXPECT_LE(shown.size(), kMaxEchoedValueBytes + 24);

  // Two-byte characters: never cut in the middle of one.
  const std::string accents = std::string(5, 'a') + "éééé";  // 5 + 8 bytes
  EXPECT_EQ(Printable(accents, 8), "aaaaaé…(13 bytes)");
  // An escape is never cut in the middle either.
  EXPECT_EQ(Printable("ab\ncd", 4), "ab…(5 bytes)");
  EXPECT_EQ(Printable("abcd", 4), "abcd");
}

TEST(Utf8Test, DecodesWellFormedSequencesAndRefusesTheRest) {
  char32_t cp = 0;
  EXPECT_EQ(DecodeUtf8("A", 0, &cp), 1u);
  EXPECT_EQ(cp, U'A');
  EXPECT_EQ(DecodeUtf8("é", 0, &cp), 2u);
  EXPECT_EQ(cp, U'é');
  EXPECT_EQ(DecodeUtf8("€", 0, &cp), 3u);
  EXPECT_EQ(cp, U'€');
  EXPECT_EQ(DecodeUtf8("\xf0\x9f\x8c\xb3", 0, &cp), 4u);  // U+1F333
  EXPECT_EQ(cp, char32_t{0x1F333});
  EXPECT_EQ(DecodeUtf8("\xed\xa0\x80", 0, &cp), 0u);       // a surrogate
  EXPECT_EQ(DecodeUtf8("\xf4\x90\x80\x80", 0, &cp), 0u);   // above U+10FFFF
  EXPECT_EQ(DecodeUtf8("\xe2\x82", 0, &cp), 0u);           // truncated
  EXPECT_EQ(InvalidUtf8Offset("ok é \xff"), 6u);
  EXPECT_EQ(InvalidUtf8Offset("ok é"), std::string_view::npos);
}

}  // namespace
}  // namespace bibia::catalog
