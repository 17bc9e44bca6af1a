// Bytes of a parsed input file (detail/parsed_input.hpp): fixed-width little-endian integers,
// length-prefixed strings, doubles by their bits. Only relais processes of the same build read them.
#include "detail/parsed_input.hpp"

#include <cstring>
#include <mutex>
#include <string_view>
#include <unordered_set>

#include "detail/byte_io.hpp"
#include "relais/base/error.hpp"

namespace relais::corpora::detail {
namespace {

using Out = ByteWriter;
using In = ByteReader;

// Place names are few (départements, régions, countries): interned for the process's lifetime.
std::string_view Intern(const std::string& s) {
  static std::mutex mu;
  static std::unordered_set<std::string> pool;
  if (s.empty()) return {};
  std::lock_guard lock(mu);
  return *pool.insert(s).first;
}

void PutActor(Out& o, const ActorRecord& a) {
  for (const std::string* s : {&a.key, &a.platform, &a.handle, &a.name, &a.platform_id}) o.Str(*s);
}
ActorRecord GetActor(In& in) {
  ActorRecord a;
  for (std::string* s : {&a.key, &a.platform, &a.handle, &a.name, &a.platform_id}) *s = in.Str();
  return a;
}

}  // namespace

void PutPos(Out& o, const InputPos& p) {
  o.Str(p.file);
  o.U64(p.line);
  o.U64(p.column);
}
InputPos GetPos(In& in) {
  InputPos p;
  p.file = in.Str();
  p.line = in.U64();
  p.column = static_cast<std::uint32_t>(in.U64());
  return p;
}

void PutItem(Out& o, const ItemRecord& it) {
  o.Str(it.key);
  o.Str(it.platform);
  o.U8(static_cast<std::uint8_t>(it.channel));
  o.U8(static_cast<std::uint8_t>(it.kind));
  PutActor(o, it.author);
  o.I64(it.time);
  o.U8(it.platform_time ? 1 : 0);
  o.I64(it.platform_time.value_or(0));
  for (const std::string* s : {&it.text, &it.title, &it.lang, &it.url}) o.Str(*s);
  o.Strs(it.links);
  o.Strs(it.hashtags);
  o.Strs(it.mentions);
  o.U64(it.refs.size());
  for (const auto& r : it.refs) {
    o.U8(static_cast<std::uint8_t>(r.layer));
    o.Str(r.target_key);
    o.Str(r.target_author_handle);
  }
  o.U8(it.expansion ? 1 : 0);
  o.U8(it.geo.has_point ? 1 : 0);
  o.F64(it.geo.lat);
  o.F64(it.geo.lon);
  o.Str(it.geo.place);
  o.Str(it.geo.country_code);
  o.Str(it.author_location);
}
ItemRecord GetItem(In& in) {
  ItemRecord it;
  it.key = in.Str();
  it.platform = in.Str();
  it.channel = static_cast<Channel>(in.U8());
  it.kind = static_cast<ItemKind>(in.U8());
  it.author = GetActor(in);
  it.time = in.I64();
  const bool has_platform_time = in.U8() != 0;
  const std::int64_t platform_time = in.I64();
  if (has_platform_time) it.platform_time = platform_time;
  for (std::string* s : {&it.text, &it.title, &it.lang, &it.url}) *s = in.Str();
  it.links = in.Strs();
  it.hashtags = in.Strs();
  it.mentions = in.Strs();
  it.refs.resize(in.Count());
  for (auto& r : it.refs) {
    r.layer = static_cast<Layer>(in.U8());
    r.target_key = in.Str();
    r.target_author_handle = in.Str();
  }
  it.expansion = in.U8() != 0;
  it.geo.has_point = in.U8() != 0;
  it.geo.lat = in.F64();
  it.geo.lon = in.F64();
  it.geo.place = in.Str();
  it.geo.country_code = in.Str();
  it.author_location = in.Str();
  return it;
}

void PutPlace(Out& o, const geo::Place& p) {
  o.Str(p.departement);
  o.Str(p.region);
  o.Str(p.country);
  o.F64(p.confidence);
  o.U8(static_cast<std::uint8_t>(p.evidence));
  o.U8(p.ambiguous ? 1 : 0);
}
geo::Place GetPlace(In& in) {
  geo::Place p;
  p.departement = Intern(in.Str());
  p.region = Intern(in.Str());
  p.country = Intern(in.Str());
  p.confidence = in.F64();
  p.evidence = static_cast<geo::Evidence>(in.U8());
  p.ambiguous = in.U8() != 0;
  return p;
}

namespace {

void PutPlaces(Out& o, const std::vector<geo::Place>& v) {
  o.U64(v.size());
  for (const auto& p : v) PutPlace(o, p);
}
std::vector<geo::Place> GetPlaces(In& in) {
  std::vector<geo::Place> v(in.Count());
  for (auto& p : v) p = GetPlace(in);
  return v;
}

void PutNested(Out& o, const std::vector<std::vector<std::string>>& v) {
  o.U64(v.size());
  for (const auto& s : v) o.Strs(s);
}
std::vector<std::vector<std::string>> GetNested(In& in) {
  std::vector<std::vector<std::string>> v(in.Count());
  for (auto& s : v) s = in.Strs();
  return v;
}

void PutRecord(Out& o, const PreparedRecord& r) {
  o.U64(r.record.items.size());
  for (const auto& it : r.record.items) PutItem(o, it);
  PutPos(o, r.record.pos);
  PutNested(o, r.raw_links);
  PutNested(o, r.embeds);
  o.Strs(r.time_notes);
  PutPlaces(o, r.places);
  PutPlaces(o, r.author_places);
}
PreparedRecord GetRecord(In& in) {
  PreparedRecord r;
  r.record.items.resize(in.Count());
  for (auto& it : r.record.items) it = GetItem(in);
  r.record.pos = GetPos(in);
  r.raw_links = GetNested(in);
  r.embeds = GetNested(in);
  r.time_notes = in.Strs();
  r.places = GetPlaces(in);
  r.author_places = GetPlaces(in);
  return r;
}

void PutDiagnostic(Out& o, const Diagnostic& d) {
  o.U8(static_cast<std::uint8_t>(d.kind));
  PutPos(o, d.pos);
  o.Str(d.reason);
  o.Str(d.message);
  o.Str(d.excerpt);
}
Diagnostic GetDiagnostic(In& in) {
  Diagnostic d;
  d.kind = static_cast<ErrorKind>(in.U8());
  d.pos = GetPos(in);
  d.reason = in.Str();
  d.message = in.Str();
  d.excerpt = in.Str();
  return d;
}

}  // namespace

std::vector<std::byte> EncodeParsedInput(const ParsedInput& input) {
  std::vector<std::byte> bytes;
  Out o(bytes);
  for (const std::string* s : {&input.path, &input.sha256, &input.format, &input.error}) o.Str(*s);
  o.U64(input.size);
  o.U64(input.lines);
  o.U64(input.outcomes.size());
  for (const auto& oc : input.outcomes) {
    o.U64(oc.ordinal);
    if (const auto* rec = std::get_if<PreparedRecord>(&oc.value)) {
      o.U8(0);
      PutRecord(o, *rec);
    } else {
      o.U8(1);
      PutDiagnostic(o, std::get<Diagnostic>(oc.value));
    }
  }
  return bytes;
}

ParsedInput DecodeParsedInput(std::span<const std::byte> bytes) {
  In in(bytes);
  ParsedInput p;
  for (std::string* s : {&p.path, &p.sha256, &p.format, &p.error}) *s = in.Str();
  p.size = in.U64();
  p.lines = in.U64();
  p.outcomes.resize(in.Count());
  for (auto& oc : p.outcomes) {
    oc.ordinal = static_cast<std::uint32_t>(in.U64());
    if (in.U8() == 0) {
      oc.value = GetRecord(in);
    } else {
      oc.value = GetDiagnostic(in);
    }
  }
  if (!in.done()) throw Error(ErrorKind::kInternal, "parsed input: trailing bytes");
  return p;
}

void ShiftLines(ParsedInput& range, std::uint64_t lines_before) {
  for (auto& oc : range.outcomes) {
    if (auto* rec = std::get_if<PreparedRecord>(&oc.value)) {
      rec->record.pos.line += lines_before;
    } else {
      std::get<Diagnostic>(oc.value).pos.line += lines_before;
    }
  }
}

}  // namespace relais::corpora::detail
