// TextCodec (the compressed texts of `relais reuse`): every text decodes to itself, byte for byte, with
// and without a trained dictionary, from several threads; the dictionary makes short texts of one corpus
// much smaller than they are.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <thread>
#include <vector>

#include "relais/toolkit/text_codec.hpp"

namespace relais::toolkit {
namespace {

// Short French-like texts from a small vocabulary, plus the awkward ones: empty, ill-formed UTF-8, NUL
// bytes, one of 1 MiB.
std::vector<std::string> Corpus() {
  const std::vector<std::string> words = {"le",      "département", "annonce",   "un",           "projet",  "de",
                                          "tramway", "à",           "Marseille", "l'opposition", "dénonce", "coûteux"};
  std::mt19937_64 rng(7);
  std::vector<std::string> texts;
  for (int k = 0; k < 3000; ++k) {
    std::string t;
    for (std::size_t w = 0, n = 10 + rng() % 40; w < n; ++w) t += words[rng() % words.size()] + " ";
    t += std::to_string(rng() % 100000);
    texts.push_back(t);
  }
  texts.push_back("");
  texts.push_back("caf\xc3 \xff\xfe tronqu\xc3");
  texts.push_back(std::string("a\0b\0c", 5));
  std::string big;
  while (big.size() < (std::size_t{1} << 20)) big += texts[big.size() % 3000];
  texts.push_back(big);
  return texts;
}

std::size_t RoundTrips(const TextCodec& codec, const std::vector<std::string>& texts) {
  std::size_t stored_bytes = 0;
  std::string buffer;
  for (const std::string& t : texts) {
    const std::string stored = codec.Encode(t);
    stored_bytes += stored.size();
    EXPECT_EQ(codec.Decode(stored, buffer), t);
  }
  return stored_bytes;
}

TEST(TextCodec, DecodesEveryTextToItselfWithoutADictionary) {
  const TextCodec codec;
  RoundTrips(codec, Corpus());
  std::string buffer = "left over";
  EXPECT_TRUE(codec.Decode(codec.Encode(""), buffer).empty());
}

TEST(TextCodec, ADictionaryTrainedOnTheCorpusShrinksItsShortTexts) {
  const std::vector<std::string> texts = Corpus();
  std::size_t raw = 0;
  for (std::size_t k = 0; k < 3000; ++k) raw += texts[k].size();
  const TextCodec plain;
  TextCodec trained;
  std::size_t sample_bytes = 0;
  for (const std::string& t : texts) sample_bytes += t.size();
  EXPECT_LT(sample_bytes, TextCodec::kSampleBytes);  // ~1.3 MB of 16 MB
  trained.Train(texts);
  const std::vector<std::string> short_texts(texts.begin(), texts.begin() + 3000);
  const std::size_t with_dict = RoundTrips(trained, short_texts), without = RoundTrips(plain, short_texts);
  RoundTrips(trained, texts);
  EXPECT_LT(with_dict * 2, without) << "the dictionary should at least halve the stored bytes";
  EXPECT_LT(with_dict * 3, raw) << "random words of 12: about 3.7 times smaller";
}

TEST(TextCodec, DecodesFromSeveralThreads) {
  const std::vector<std::string> texts = Corpus();
  TextCodec codec;
  codec.Train(texts);
  std::vector<std::string> stored;
  for (const std::string& t : texts) stored.push_back(codec.Encode(t));
  std::vector<std::size_t> wrong(4, 0);
  std::vector<std::thread> threads;
  for (std::size_t w = 0; w < wrong.size(); ++w)
    threads.emplace_back([&, w] {
      std::string buffer;
      for (std::size_t k = w; k < texts.size(); k += wrong.size())
        wrong[w] += codec.Decode(stored[k], buffer) != texts[k];
    });
  for (auto& t : threads) t.join();
  for (std::size_t w = 0; w < wrong.size(); ++w) EXPECT_EQ(wrong[w], 0u) << "thread " << w;
}

}  // namespace
}  // namespace relais::toolkit
