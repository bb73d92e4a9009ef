#pragma once

// Parsing and checking a request with Beast: shared by the server's
// connections (http_server.cpp) and parseHttpRequest (http_request.cpp).

#include "http_server.h"

#include <boost/beast/core/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <optional>
#include <variant>

namespace listinglens::http_detail {

namespace http = boost::beast::http;
using RequestParser = http::request_parser<http::string_body>;

// Head and body limits from the server's.
void prepareParser(RequestParser &parser, const HttpLimits &limits);

// Once the head is read: what would make the request unanswerable or unsafe
// to frame (duplicate Content-Length, chunked bodies, an oversized body, a
// non-origin target, duplicate fields that carry identity).
std::optional<HttpRefusal> checkHead(const RequestParser &parser, const HttpLimits &limits);
// A POST, PUT or PATCH without a Content-Length (411). Asked after the head check
// (route, method, credentials), so a wrong path, method or key is answered as such:
// the body it would have is empty, so nothing waits to be read meanwhile.
std::optional<HttpRefusal> lengthRequired(const RequestParser &parser);

// A read that failed: the refusal to answer with, or nullopt when the client
// went away and there is nobody to answer.
std::optional<HttpRefusal> refusalFor(const boost::beast::error_code &ec);

// The head as the head check sees it: method, path, query and fields, no body.
std::variant<HttpRequest, HttpRefusal> requestHead(const RequestParser::value_type &message);
// The parsed message as the handler sees it (the body is moved out).
std::variant<HttpRequest, HttpRefusal> toRequest(RequestParser::value_type &message);

QByteArray reasonPhrase(int status);

} // namespace listinglens::http_detail
