// French and social-media tokenisation on ICU's word BreakIterator plus rules for French and social text.
//
//   auto toks = relais::text::TokenizeFrench("L’été, qu'on attendait #Élysée");
//   // L' | été | qu' | on | attendait | #Élysée
//
// Rules, applied on the normalised text (see normalize.hpp: NFC, apostrophes unified to '):
//  - URLs (http://, https://, www., domain.tld/path), e-mails, hashtags (#Élysée) and mentions
//    (@Var_Matin, @alice@mastodon.social) are found first and kept whole;
//  - the rest is split by ICU's word BreakIterator (UAX #29); segments without letters or digits
//    (spaces, punctuation, symbols) are dropped, emoji (including ZWJ sequences, flags, skin tones) kept;
//  - elided words are split after their apostrophe, which stays on the clitic with its case kept
//    (l' d' j' m' n' s' t' c' qu' jusqu' lorsqu' puisqu' quoiqu'); lexicalised forms stay whole
//    (aujourd'hui, presqu'île, quelqu'un, prud'homme, entr'acte, grand'mère, …);
//  - numbers: ICU keeps 3,5 / 12h30 / 1er / 2e whole; French digit groups "1 000 000" are joined, and a
//    following %, ‰, €, $ or £ is attached ("3,5 %").
// A fast scanner handles text made only of Latin characters (U+0000–U+024F and mapped punctuation) and
// gives the same tokens as the ICU path (tested on corpora and random strings); other text goes to ICU.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace relais::text {

enum class TokenKind : std::uint8_t { kWord, kNumber, kHashtag, kMention, kUrl, kEmail, kEmoji };

struct Token {
  std::string text;  ///< surface form (NFC, apostrophes unified)
  TokenKind kind = TokenKind::kWord;
  bool operator==(const Token&) const = default;
};

struct TokenizeStats {
  std::size_t num_invalid = 0;  ///< ill-formed UTF-8 sequences replaced by U+FFFD
  bool used_icu = false;        ///< the text needed the ICU path
};

/// Surface tokens.
std::vector<Token> TokenizeFrench(std::string_view text, TokenizeStats* stats = nullptr);
/// Same, always through ICU (the reference the fast path is tested against).
std::vector<Token> TokenizeFrenchIcu(std::string_view text, TokenizeStats* stats = nullptr);

/// Tokens for text reuse: surface tokens case-folded (accents kept). Appends to out.
void ReuseTokens(std::string_view text, std::vector<std::string>& out, bool force_icu = false);
/// 64-bit hashes of ReuseTokens (TokenHash of each), the reuse engine's fast path. Appends to out.
/// Returns the number of ill-formed UTF-8 sequences replaced.
std::size_t ReuseTokenHashes(std::string_view text, std::vector<std::uint64_t>& out);
/// The hash used by ReuseTokenHashes.
std::uint64_t TokenHash(std::string_view folded_token);

const char* TokenKindName(TokenKind kind);

}  // namespace relais::text
