#include "fetch/http/curl_transport.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <mutex>

namespace perfgate::fetch {
namespace {

// Where the body goes, up to its limit.
struct BodySink {
  std::string& body;
  std::size_t max;
  bool too_large = false;
};

std::size_t WriteBody(char* data, std::size_t size, std::size_t count, void* target) {
  auto* sink = static_cast<BodySink*>(target);
  if (sink->body.size() + size * count > sink->max) {
    sink->too_large = true;
    return 0;  // curl stops the transfer
  }
  sink->body.append(data, size * count);
  return size * count;
}

std::size_t WriteHeader(char* data, std::size_t size, std::size_t count, void* target) {
  std::string_view line(data, size * count);
  auto* headers = static_cast<Headers*>(target);
  if (line.starts_with("HTTP/")) {
    headers->clear();  // a new response (after 100 Continue): keep only the final one
    return size * count;
  }
  auto colon = line.find(':');
  if (colon == std::string_view::npos) return size * count;
  auto trim = [](std::string_view text) {
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
      text.remove_prefix(1);
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
      text.remove_suffix(1);
    return std::string(text);
  };
  headers->emplace_back(trim(line.substr(0, colon)), trim(line.substr(colon + 1)));
  return size * count;
}

std::once_flag curl_initialized;

}  // namespace

CurlTransport::CurlTransport() {
  std::call_once(curl_initialized, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

CurlTransport::~CurlTransport() = default;

Result<HttpResponse> CurlTransport::Send(const HttpRequest& request) {
  CURL* curl = curl_easy_init();
  if (curl == nullptr) return MakeError(ErrorKind::kInternal, "cannot initialise libcurl");
  HttpResponse response;
  curl_slist* header_list = nullptr;
  for (const auto& [name, value] : request.headers) {
    std::string line = name;
    line.append(": ").append(value);
    header_list = curl_slist_append(header_list, line.c_str());
  }
  char error_buffer[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  if (!request.body.empty()) {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(request.body.size()));
  }
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, header_list);
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count()));
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(std::min<long long>(request.timeout.count(), 10000)));
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);         // threads: no SIGALRM for DNS timeouts
  curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");  // any encoding curl can decode
  curl_easy_setopt(curl, CURLOPT_USERAGENT, "perfgate/0.1");
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);
  BodySink sink{response.body, request.max_body};
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, WriteBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(curl, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(request.max_body));
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, WriteHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &response.headers);
  CURLcode code = curl_easy_perform(curl);
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all(header_list);
  curl_easy_cleanup(curl);
  if (sink.too_large || code == CURLE_FILESIZE_EXCEEDED) {
    Error error = MakeError(ErrorKind::kUnavailable, "the answer is larger than " +
                                                         std::to_string(request.max_body) +
                                                         " bytes, the most perfgate reads");
    error.permanent = true;
    return error;
  }
  // libcurl refuses a header line over CURL_MAX_HTTP_HEADER (100 KB) as "out of memory"
  // (7.88, Debian 12) or CURLE_TOO_LARGE (8.6 on, Debian 13): either way the server's
  // answer, not the host (the body's limit is the sink's, above).
  std::string said = error_buffer;  // "Too large response headers: ..." (7.83 to 8.5)
  for (char& c : said) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  bool header_refused = said.find("header") != std::string::npos &&
                        said.find("too large") != std::string::npos;
#if LIBCURL_VERSION_NUM >= 0x080600
  header_refused = header_refused || code == CURLE_TOO_LARGE;
#endif
  if (code == CURLE_OUT_OF_MEMORY || header_refused) {
    Error error = MakeError(ErrorKind::kUnavailable,
                            "a response header is larger than the 100 KB libcurl accepts (a "
                            "broken server or proxy?)");
    error.permanent = true;
    return error;
  }
  if (code != CURLE_OK) {
    // The cause alone: the caller names the request as it chooses to show its URL.
    return MakeError(ErrorKind::kUnavailable,
                     error_buffer[0] != 0 ? error_buffer : curl_easy_strerror(code));
  }
  response.status = static_cast<int>(status);
  return response;
}

}  // namespace perfgate::fetch
