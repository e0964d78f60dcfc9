#pragma once
/* components/http_parser/http_parser.h (v5.5.5): the first methods of HTTP_METHOD_MAP */
enum http_method { HTTP_DELETE = 0, HTTP_GET = 1, HTTP_HEAD = 2, HTTP_POST = 3, HTTP_PUT = 4 };
