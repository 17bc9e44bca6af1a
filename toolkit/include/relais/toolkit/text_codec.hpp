// Many texts stored compressed (the texts of `relais reuse`, in its temporary file: ~350 MB of text for
// 1.27 M items) and decompressed one at a time, from any thread, when read:
//
//   TextCodec codec;
//   codec.Train(first_texts);            // a zstd dictionary from the first texts (optional)
//   std::string_view stored = arena.Add(codec.Encode(text));
//   std::string buffer;
//   std::string_view text = codec.Decode(stored, buffer);   // the text, byte for byte
//
// Short texts compress well only against a dictionary of their corpus (zstd's, trained on samples); with
// too few samples to train one, texts are compressed without it.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace relais::toolkit {

class TextCodec {
 public:
  TextCodec();
  ~TextCodec();
  TextCodec(const TextCodec&) = delete;
  TextCodec& operator=(const TextCodec&) = delete;

  /// Trains the dictionary on `samples` (kSampleBytes of them are plenty; with too few, no dictionary);
  /// Encode before Train compresses without a dictionary.
  void Train(std::span<const std::string> samples);

  /// The stored form of `text` (empty for an empty text).
  std::string Encode(std::string_view text) const;
  /// The text whose stored form is `stored`, in `buffer` (or a view of a static empty string). Thread-safe.
  std::string_view Decode(std::string_view stored, std::string& buffer) const;

  static constexpr std::size_t kSampleBytes = std::size_t{16} << 20;
  static constexpr std::size_t kDictionaryBytes = std::size_t{112} << 10;

 private:
  struct Dictionaries;
  std::unique_ptr<Dictionaries> dict_;
};

}  // namespace relais::toolkit
