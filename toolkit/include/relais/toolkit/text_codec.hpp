// Many texts held compressed in memory (the texts of `relais reuse`: ~350 MB for 1.27 M items, ~3 GB at
// 12.6 M) and decompressed one at a time, from any thread, when read:
//
//   TextCodec codec;
//   for (...) codec.Sample(text);        // the first texts train a zstd dictionary (optional)
//   codec.Train();
//   std::string_view stored = arena.Add(codec.Encode(text));
//   std::string buffer;
//   std::string_view text = codec.Decode(stored, buffer);   // the text, byte for byte
//
// Short texts compress well only against a dictionary of their corpus (zstd's, trained on samples); with
// too few samples to train one, texts are compressed without it.
#pragma once

#include <memory>
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

  /// Keeps a copy of `text` for Train (until sample_bytes are kept; the rest are ignored).
  void Sample(std::string_view text);
  /// True once sample_bytes are kept: time to Train.
  bool SamplesFull() const;
  /// Trains the dictionary on the samples (if there are enough) and frees them; Encode before Train
  /// compresses without a dictionary.
  void Train();

  /// The stored form of `text` (empty for an empty text).
  std::string Encode(std::string_view text) const;
  /// The text whose stored form is `stored`, in `buffer` (or a view of a static empty string). Thread-safe.
  std::string_view Decode(std::string_view stored, std::string& buffer) const;

  static constexpr std::size_t kSampleBytes = std::size_t{16} << 20;
  static constexpr std::size_t kDictionaryBytes = std::size_t{112} << 10;

 private:
  struct Dictionaries;
  std::vector<std::string> samples_;
  std::size_t sample_bytes_ = 0;
  std::unique_ptr<Dictionaries> dict_;
};

}  // namespace relais::toolkit
