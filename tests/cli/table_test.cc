// Table rendering and the UTF-8 helpers under it: widths in code points,
// truncation with "…" that never splits a character.
#include "cli/table.h"

#include <string>

#include "cli/utf8.h"
#include "gtest/gtest.h"

namespace bibia::cli {
namespace {

TEST(Utf8Test, CountsCodePointsNotBytes) {
  EXPECT_EQ(CodePointCount(""), 0u);
  EXPECT_EQ(CodePointCount("abc"), 3u);
  EXPECT_EQ(std::string("Métropole").size(), 10u);
  EXPECT_EQ(CodePointCount("Métropole"), 9u);
  EXPECT_EQ(CodePointCount("…"), 1u);
  EXPECT_EQ(CodePointCount("€10"), 3u);        // 3-byte sequence
  EXPECT_EQ(CodePointCount("a\xF0\x9F\x8C\xB3"), 2u);  // 4-byte sequence (emoji)
  EXPECT_EQ(CodePointCount("a\xC3"), 2u);     // truncated sequence: one per byte
  EXPECT_EQ(CodePointCount("\xFF\xFE"), 2u);  // invalid bytes
}

TEST(Utf8Test, TruncatesOnCodePointBoundariesWithEllipsis) {
  EXPECT_EQ(TruncateCodePoints("Métropole", 9), "Métropole");
  EXPECT_EQ(TruncateCodePoints("Métropole", 20), "Métropole");
  EXPECT_EQ(TruncateCodePoints("Métropole", 3), "Mé…");
  EXPECT_EQ(CodePointCount(TruncateCodePoints("Métropole", 3)), 3u);
  EXPECT_EQ(TruncateCodePoints("éé", 1), "…");
  EXPECT_EQ(TruncateCodePoints("abc", 0), "");
}

TEST(Utf8Test, SingleLineReplacesControlCharacters) {
  EXPECT_EQ(SingleLine("a\nb\tc\rd"), "a b c d");
  EXPECT_EQ(SingleLine("déjà vu"), "déjà vu");
}

TEST(TableTest, ColumnsSizedToContentInCodePoints) {
  Table table({{"ID"}, {"COLLECTIVITY"}, {"YEAR", 0, Table::Align::kRight}});
  table.AddRow({"a", "Métropole Européenne de Lille", "2021"});
  table.AddRow({"long-id", "Nîmes", ""});
  EXPECT_EQ(table.Render(),
            "ID       COLLECTIVITY                   YEAR\n"
            "a        Métropole Européenne de Lille  2021\n"
            "long-id  Nîmes\n");
}

TEST(TableTest, LongCellsAreTruncatedWithEllipsis) {
  Table table({{"ID"}, {"TITLE", 10}});
  table.AddRow({"p1", "Détection précoce des fuites"});
  table.AddRow({"p2", "Éclairage"});
  const std::string rendered = table.Render();
  EXPECT_EQ(rendered,
            "ID  TITLE\n"
            "p1  Détection…\n"
            "p2  Éclairage\n");
}

TEST(TableTest, AccentedCellsAlignWithFollowingColumns) {
  Table table({{"A"}, {"B"}});
  table.AddRow({"éèà", "x"});
  table.AddRow({"abcd", "y"});
  // "éèà" is 3 code points (6 bytes): padded with 1 space + 2 gap spaces.
  EXPECT_EQ(table.Render(),
            "A     B\n"
            "éèà   x\n"
            "abcd  y\n");
}

TEST(TableTest, NewlinesInCellsStayOnOneLineAndMissingCellsAreEmpty) {
  Table table({{"A"}, {"B"}, {"C"}});
  table.AddRow({"x\ny"});
  EXPECT_EQ(table.row_count(), 1u);
  EXPECT_EQ(table.Render(), "A    B  C\nx y\n");
}

}  // namespace
}  // namespace bibia::cli
