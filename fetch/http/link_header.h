// Sentry's cursor pagination: the Link header of a list response, e.g.
//   <https://sentry.io/api/0/.../?&cursor=0:0:1>; rel="previous"; results="false"; cursor="0:0:1",
//   <https://sentry.io/api/0/.../?&cursor=0:100:0>; rel="next"; results="true"; cursor="0:100:0"
#ifndef PERFGATE_FETCH_HTTP_LINK_HEADER_H_
#define PERFGATE_FETCH_HTTP_LINK_HEADER_H_

#include <optional>
#include <string>
#include <string_view>

namespace perfgate::fetch {

// The cursor of the rel="next" link when it says results="true", else nullopt (the last
// page, or no usable header). The cursor is opaque; perfgate re-issues its own request with
// it rather than following the link's URL, whose host may differ from the one called.
std::optional<std::string> NextCursor(std::string_view link_header);

}  // namespace perfgate::fetch

#endif  // PERFGATE_FETCH_HTTP_LINK_HEADER_H_
