// ICU error handling: an icu::ErrorCode that throws relais::Error, so no UErrorCode leaves text/src.
#pragma once

#include <unicode/errorcode.h>

#include <string>

#include "relais/base/error.hpp"

namespace relais::text::detail {

class IcuError : public icu::ErrorCode {
 public:
  explicit IcuError(const char* what) : what_(what) {}

 protected:
  void handleFailure() const override {
    throw Error(ErrorKind::kInternal, std::string("icu: ") + what_ + ": " + errorName());
  }

 private:
  const char* what_;
};

}  // namespace relais::text::detail
