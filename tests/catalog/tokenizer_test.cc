#include "catalog/tokenizer.h"

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace bibia::catalog {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

// True if `s` is well-formed UTF-8 (no truncated or stray sequences).
bool IsValidUtf8(const std::string& s) {
  size_t i = 0;
  while (i < s.size()) {
    const uint8_t b = static_cast<uint8_t>(s[i]);
    size_t len = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xe ? 3 : (b >> 3) == 0x1e ? 4 : 0;
    if (len == 0 || i + len > s.size()) return false;
    for (size_t k = 1; k < len; ++k) {
      if ((static_cast<uint8_t>(s[i + k]) & 0xc0) != 0x80) return false;
    }
    i += len;
  }
  return true;
}

TEST(FoldTextTest, LowerCasesAscii) {
  EXPECT_EQ(FoldText("Hello WORLD 42"), "hello world 42");
}

// ASCII is folded eight bytes at a time: every byte value, at every offset
// and run length, must fold as a byte-by-byte lower-casing would.
TEST(FoldTextTest, AsciiRunsOfAnyLengthFoldByteForByte) {
  std::string all;
  for (int c = 0; c < 0x80; ++c) all.push_back(static_cast<char>(c));
  const auto lower = [](std::string s) {
    for (char& c : s) c = c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
    return s;
  };
  for (size_t start = 0; start < 16; ++start) {
    for (size_t length = 0; start + length <= all.size(); length += 7) {
      const std::string piece = all.substr(start, length);
      ASSERT_EQ(FoldText(piece), lower(piece)) << start << "+" << length;
      // Around a non-ASCII letter too, which ends a run mid-chunk.
      ASSERT_EQ(FoldText(piece + "É" + piece), lower(piece) + "e" + lower(piece)) << start << "+" << length;
    }
  }
}

TEST(FoldTextTest, FoldsFrenchAccents) {
  EXPECT_EQ(FoldText("Élève Œuvre Ça"), "eleve oeuvre ca");
  EXPECT_EQ(FoldText("é è ê ë É È Ê Ë"), "e e e e e e e e");
  EXPECT_EQ(FoldText("ç Ç"), "c c");
  EXPECT_EQ(FoldText("œ Œ æ Æ"), "oe oe ae ae");
  EXPECT_EQ(FoldText("à â À Â"), "a a a a");
  EXPECT_EQ(FoldText("ù û ü Ù Û Ü"), "u u u u u u");
  EXPECT_EQ(FoldText("ï î Ï Î"), "i i i i");
  EXPECT_EQ(FoldText("ô ö Ô"), "o o o");
  EXPECT_EQ(FoldText("ÿ Ÿ"), "y y");
  EXPECT_EQ(FoldText("ß ẞ"), "ss ss");
}

TEST(FoldTextTest, FoldsEveryLatinExtendedALetterToAsciiLetters) {
  // U+0100..U+017F: each folds to one or two ASCII letters; a misaligned
  // table would fold some letter to the wrong base or crash on a null entry.
  for (char32_t cp = 0x100; cp <= 0x17F; ++cp) {
    std::string utf8;
    utf8.push_back(static_cast<char>(0xc0 | (cp >> 6)));
    utf8.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    const std::string folded = FoldText(utf8);
    ASSERT_FALSE(folded.empty()) << "U+" << std::hex << static_cast<uint32_t>(cp);
    ASSERT_LE(folded.size(), 2u) << "U+" << std::hex << static_cast<uint32_t>(cp);
    for (char c : folded) ASSERT_TRUE(c >= 'a' && c <= 'z') << "U+" << std::hex << static_cast<uint32_t>(cp);
  }
  // Spot checks across the whole block (a shifted table would fail some).
  EXPECT_EQ(FoldText("ĀĉĎėĜĦĪĲĵĶĹŁŃŉŌŒœŔŚŠŢŨűŴŶŸŹŽſ"), "acdeghiijjkllnnooeoersstuuwyyzzs");
}

TEST(FoldTextTest, FoldsDecomposedAccents) {
  // NFD input (macOS, some editors): a base letter followed by a combining mark.
  EXPECT_EQ(FoldText("e\xcc\x81" "cole"), "ecole");        // e + U+0301
  EXPECT_EQ(FoldText("c\xcc\xa7" "a"), "ca");              // c + U+0327
  EXPECT_THAT(Tokenize("E\xcc\x81" "cole Pre\xcc\x81vert"), ElementsAre("ecole", "prevert"));
}

TEST(FoldTextTest, PunctuationIsKeptOrBecomesSpace) {
  EXPECT_EQ(FoldText("a-b, c."), "a-b, c.");
  // « nbsp eau nbsp »: each separator code point (2 bytes) becomes one space.
  EXPECT_EQ(FoldText("«\xc2\xa0" "eau\xc2\xa0»"), "  eau  ");
}

TEST(SplitWordsTest, SplitsOnApostrophes) {
  EXPECT_THAT(SplitWords("l'eau"), ElementsAre("l", "eau"));
  EXPECT_THAT(SplitWords("l’eau"), ElementsAre("l", "eau"));  // typographic U+2019
  EXPECT_THAT(SplitWords("L’Hôtel d’Agglomération"), ElementsAre("l", "hotel", "d", "agglomeration"));
}

TEST(SplitWordsTest, SplitsOnGuillemetsAndNbsp) {
  EXPECT_THAT(SplitWords("«\xc2\xa0qualité\xc2\xa0»"), ElementsAre("qualite"));
  EXPECT_THAT(SplitWords("«air»"), ElementsAre("air"));
  EXPECT_THAT(SplitWords("eau\xc2\xa0potable"), ElementsAre("eau", "potable"));
  EXPECT_THAT(SplitWords("eau\xe2\x80\xaf" "potable"), ElementsAre("eau", "potable"));  // narrow nbsp U+202F
}

TEST(SplitWordsTest, SplitsOnHyphensAndDashes) {
  EXPECT_THAT(SplitWords("Île-de-France"), ElementsAre("ile", "de", "france"));
  EXPECT_THAT(SplitWords("eau—air–sol"), ElementsAre("eau", "air", "sol"));  // em and en dashes
}

TEST(SplitWordsTest, KeepsDigits) {
  EXPECT_THAT(SplitWords("CO2 en 2024, PM2.5"), ElementsAre("co2", "en", "2024", "pm2", "5"));
}

TEST(SplitWordsTest, EmptyAndPunctuationOnly) {
  EXPECT_THAT(SplitWords(""), IsEmpty());
  EXPECT_THAT(SplitWords("  -- ,;! «» "), IsEmpty());
  EXPECT_THAT(Tokenize(""), IsEmpty());
}

TEST(SplitWordsTest, KeepsStopWordsTokenizeDropsThem) {
  const std::string text = "La qualité de l’eau et the quality of the water";
  EXPECT_THAT(SplitWords(text),
              ElementsAre("la", "qualite", "de", "l", "eau", "et", "the", "quality", "of", "the", "water"));
  EXPECT_THAT(Tokenize(text), ElementsAre("qualite", "eau", "quality", "water"));
}

TEST(IsStopWordTest, FrenchAndEnglish) {
  for (const char* w : {"le", "la", "les", "de", "des", "du", "et", "pour", "dans", "a", "l", "d", "qu"}) {
    EXPECT_TRUE(IsStopWord(w)) << w;
  }
  for (const char* w : {"the", "and", "of", "to", "in", "with", "is"}) EXPECT_TRUE(IsStopWord(w)) << w;
  for (const char* w : {"eau", "water", "pollution", "ia", "ville", ""}) EXPECT_FALSE(IsStopWord(w)) << w;
  // Stop words are matched in folded form: "à" and "été" fold to stop words.
  EXPECT_THAT(Tokenize("À été"), IsEmpty());
}

TEST(IsStopWordTest, MatchesWholeWordsOnly) {
  // The longest stop words, and near misses around them: prefixes, extensions,
  // a NUL byte after a stop word (packed, it must not equal the word alone).
  for (const char* w : {"cette", "leurs", "ainsi", "which", "their", "those", "entre", "comme"}) {
    EXPECT_TRUE(IsStopWord(w)) << w;
  }
  for (const char* w : {"cett", "cettes", "leur2", "whic", "thosee", "aa", "dd", "ll", "thé", "ete2"}) {
    EXPECT_FALSE(IsStopWord(w)) << w;
  }
  EXPECT_FALSE(IsStopWord(std::string_view("a\0", 2)));
  EXPECT_FALSE(IsStopWord(std::string_view("le\0\0\0\0\0", 7)));
  EXPECT_FALSE(IsStopWord("theirs12"));  // longer than any packed word
}

TEST(TokenizeTest, InvalidUtf8NeverCrashesAndSeparatesWords) {
  EXPECT_THAT(Tokenize("eau\xff" "air"), ElementsAre("eau", "air"));
  EXPECT_THAT(Tokenize("eau\xc3"), ElementsAre("eau"));           // truncated 2-byte sequence at end
  EXPECT_THAT(Tokenize("eau\xc3(air"), ElementsAre("eau", "air"));  // lead byte without continuation
  EXPECT_THAT(Tokenize("\xe2\x82"), IsEmpty());                   // truncated 3-byte sequence
  EXPECT_THAT(Tokenize("\x80\x80\x80 sol"), ElementsAre("sol"));  // stray continuation bytes
  EXPECT_THAT(Tokenize(std::string("eau\0air", 7)), ElementsAre("eau", "air"));
}

TEST(TokenizeTest, RandomBytesTerminateAndYieldValidUtf8Tokens) {
  std::mt19937 rng(20240601);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<int> length(0, 200);
  for (int round = 0; round < 2000; ++round) {
    std::string input(length(rng), '\0');
    for (char& c : input) c = static_cast<char>(byte(rng));
    std::vector<std::string> words = SplitWords(input);
    size_t total = 0;
    for (const std::string& w : words) {
      ASSERT_FALSE(w.empty());
      ASSERT_LE(w.size(), kMaxTokenBytes);
      total += w.size();
    }
    // Folding never grows text: each code point folds to at most as many bytes.
    ASSERT_LE(total, input.size());
  }
}

TEST(TokenizeTest, ValidUtf8InputGivesValidUtf8Tokens) {
  std::mt19937 rng(7);
  const std::vector<std::string> pieces = {"a", "Z", "é", "Œ", "ß", "’", "«", "\xc2\xa0", "水", "α", "😀", " ", "-", "9"};
  std::uniform_int_distribution<size_t> pick(0, pieces.size() - 1);
  for (int round = 0; round < 500; ++round) {
    std::string input;
    for (int i = 0; i < 60; ++i) input += pieces[pick(rng)];
    for (const std::string& w : SplitWords(input)) {
      ASSERT_TRUE(IsValidUtf8(w)) << input;
      ASSERT_LE(w.size(), kMaxTokenBytes);
    }
  }
}

TEST(TokenizeTest, OtherScriptsAreWordCharacters) {
  EXPECT_THAT(Tokenize("水 质量"), ElementsAre("水", "质量"));
}

TEST(TokenizeTest, TruncatesLongAsciiWords) {
  const std::string word(200, 'x');
  EXPECT_THAT(Tokenize(word + " eau"), ElementsAre(std::string(kMaxTokenBytes, 'x'), "eau"));
}

TEST(TokenizeTest, TruncatesLongWordsAtUtf8Boundary) {
  // "a" then 40 two-byte letters: byte 64 is the second byte of a letter, so
  // the token must stop before that letter (63 bytes), not cut it in two.
  std::string word = "a";
  for (int i = 0; i < 40; ++i) word += "α";
  std::vector<std::string> tokens = Tokenize(word);
  ASSERT_EQ(tokens.size(), 1u);
  EXPECT_EQ(tokens[0].size(), 63u);
  EXPECT_TRUE(IsValidUtf8(tokens[0]));
  EXPECT_EQ(tokens[0], word.substr(0, 63));

  // Three-byte letters: 64 = 21*3 + 1, so 21 letters (63 bytes) are kept.
  std::string cjk;
  for (int i = 0; i < 30; ++i) cjk += "水";
  tokens = Tokenize(cjk);
  ASSERT_EQ(tokens.size(), 1u);
  EXPECT_EQ(tokens[0], cjk.substr(0, 63));
  EXPECT_TRUE(IsValidUtf8(tokens[0]));

  // Accented letters fold to ASCII first, so 100 'é' give 64 'e'.
  std::string accented;
  for (int i = 0; i < 100; ++i) accented += "é";
  EXPECT_THAT(Tokenize(accented), ElementsAre(std::string(kMaxTokenBytes, 'e')));
}

TEST(TokenizeTest, SameTokensForQueryAndDocumentForms) {
  EXPECT_EQ(Tokenize("ÉCOLES"), Tokenize("écoles"));
  EXPECT_EQ(Tokenize("ecoles"), Tokenize("Écoles"));
  EXPECT_EQ(Tokenize("Œnologie"), Tokenize("oenologie"));
}

}  // namespace
}  // namespace bibia::catalog

namespace bibia::catalog {
namespace {

TEST(FoldPluralTest, FrenchAndEnglishPluralsMeetTheirSingular) {
  EXPECT_EQ(FoldPlural("cantines"), "cantine");
  EXPECT_EQ(FoldPlural("reseaux"), "reseau");
  EXPECT_EQ(FoldPlural("locaux"), "local");
  EXPECT_EQ(FoldPlural("donnees"), "donnee");
  EXPECT_EQ(FoldPlural("services"), "service");
  EXPECT_EQ(FoldPlural("cantine"), "cantine");
}

TEST(FoldPluralTest, LeavesWordsThatOnlyLookPlural) {
  EXPECT_EQ(FoldPlural("process"), "process");
  EXPECT_EQ(FoldPlural("bus"), "bus");
  EXPECT_EQ(FoldPlural("campus"), "campus");
  EXPECT_EQ(FoldPlural("analysis"), "analysis");
  EXPECT_EQ(FoldPlural("gas"), "gas");  // too short to tell
  EXPECT_EQ(FoldPlural("eaux"), "eau");
}

// Indexing's allocation-free path must give exactly the terms queries are
// folded to, or a document would not be found by its own words.
std::vector<std::string> IndexTerms(std::string_view text) {
  std::vector<std::string> terms;
  std::string scratch = "left over from an earlier call";
  ForEachIndexTerm(text, &scratch, [&](std::string_view t) { terms.emplace_back(t); });
  return terms;
}

std::vector<std::string> QueryTerms(std::string_view text) {
  std::vector<std::string> terms;
  for (const std::string& w : Tokenize(text)) terms.push_back(FoldPlural(w));
  return terms;
}

TEST(ForEachIndexTermTest, FoldsPluralsAndDropsStopWords) {
  EXPECT_THAT(IndexTerms("Les réseaux LOCAUX des cantines, l'eau et les bus"),
              ElementsAre("reseau", "local", "cantine", "eau", "bus"));
  EXPECT_THAT(IndexTerms(""), IsEmpty());
  EXPECT_THAT(IndexTerms("de la et"), IsEmpty());
}

TEST(ForEachIndexTermTest, SameTermsAsTokenizeThenFoldPluralOnRandomText) {
  std::mt19937 rng(11);
  const std::vector<std::string> pieces = {"a", "S", "x", "u", "eaux", "aux", "les", "é", "Œ", "ß", "’", "\xff",
                                           "\xc3", "水", " ", "-", "9", "ss", "is", "us", "locaux", "l'"};
  std::uniform_int_distribution<size_t> pick(0, pieces.size() - 1);
  std::uniform_int_distribution<int> byte(0, 255);
  for (int round = 0; round < 2000; ++round) {
    std::string input;
    for (int i = 0; i < 40; ++i) input += pieces[pick(rng)];
    if (round % 2 == 1) {
      for (int i = 0; i < 8; ++i) input[pick(rng) % input.size()] = static_cast<char>(byte(rng));
    }
    if (round % 100 == 0) input += std::string(100, 'x') + "aux";  // truncated words
    ASSERT_EQ(IndexTerms(input), QueryTerms(input)) << input;
  }
}

}  // namespace
}  // namespace bibia::catalog
