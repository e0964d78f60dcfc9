#pragma once
/* components/esp_http_server/include/esp_http_server.h (v5.5.5): the server,
 * URI handlers, responses, WebSocket frames; with CONFIG_HTTPD_WS_SUPPORT. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "esp_err.h"
#include "freertos/FreeRTOS.h"
#include "freertos/task.h"
#include "http_parser.h"
#include "sdkconfig.h"

#define ESP_HTTPD_DEF_CTRL_PORT (32768)
#define HTTPD_DEFAULT_CONFIG() {                                            \
        .task_priority      = tskIDLE_PRIORITY+5,                           \
        .stack_size         = 4096,                                         \
        .core_id            = tskNO_AFFINITY,                               \
        .task_caps          = (MALLOC_CAP_INTERNAL | MALLOC_CAP_8BIT),      \
        .max_req_hdr_len    = CONFIG_HTTPD_MAX_REQ_HDR_LEN,                 \
        .max_uri_len        = CONFIG_HTTPD_MAX_URI_LEN,                     \
        .server_port        = 80,                                           \
        .ctrl_port          = ESP_HTTPD_DEF_CTRL_PORT,                      \
        .max_open_sockets   = 7,                                            \
        .max_uri_handlers   = 8,                                            \
        .max_resp_headers   = 8,                                            \
        .backlog_conn       = 5,                                            \
        .lru_purge_enable   = false,                                        \
        .recv_wait_timeout  = 5,                                            \
        .send_wait_timeout  = 5,                                            \
        .global_user_ctx = NULL,                                            \
        .global_user_ctx_free_fn = NULL,                                    \
        .global_transport_ctx = NULL,                                       \
        .global_transport_ctx_free_fn = NULL,                               \
        .enable_so_linger = false,                                          \
        .linger_timeout = 0,                                                \
        .keep_alive_enable = false,                                         \
        .keep_alive_idle = 0,                                               \
        .keep_alive_interval = 0,                                           \
        .keep_alive_count = 0,                                              \
        .open_fn = NULL,                                                    \
        .close_fn = NULL,                                                   \
        .uri_match_fn = NULL                                                \
}
#define HTTPD_RESP_USE_STRLEN -1

typedef void *httpd_handle_t;
typedef enum http_method httpd_method_t;
typedef void (*httpd_free_ctx_fn_t)(void *ctx);
typedef esp_err_t (*httpd_open_func_t)(httpd_handle_t hd, int sockfd);
typedef void (*httpd_close_func_t)(httpd_handle_t hd, int sockfd);
typedef bool (*httpd_uri_match_func_t)(const char *reference_uri, const char *uri_to_match,
                                       size_t match_upto);

typedef struct httpd_config {
    unsigned task_priority;
    size_t stack_size;
    BaseType_t core_id;
    uint32_t task_caps;
    size_t max_req_hdr_len;
    size_t max_uri_len;
    uint16_t server_port;
    uint16_t ctrl_port;
    uint16_t max_open_sockets;
    uint16_t max_uri_handlers;
    uint16_t max_resp_headers;
    uint16_t backlog_conn;
    bool lru_purge_enable;
    uint16_t recv_wait_timeout;
    uint16_t send_wait_timeout;
    void *global_user_ctx;
    httpd_free_ctx_fn_t global_user_ctx_free_fn;
    void *global_transport_ctx;
    httpd_free_ctx_fn_t global_transport_ctx_free_fn;
    bool enable_so_linger;
    int linger_timeout;
    bool keep_alive_enable;
    int keep_alive_idle;
    int keep_alive_interval;
    int keep_alive_count;
    httpd_open_func_t open_fn;
    httpd_close_func_t close_fn;
    httpd_uri_match_func_t uri_match_fn;
} httpd_config_t;

esp_err_t httpd_start(httpd_handle_t *handle, const httpd_config_t *config);
esp_err_t httpd_stop(httpd_handle_t handle);

typedef struct httpd_req {
    httpd_handle_t handle;
    int method;
    const char uri[CONFIG_HTTPD_MAX_URI_LEN + 1];
    size_t content_len;
    void *aux;
    void *user_ctx;
    void *sess_ctx;
    httpd_free_ctx_fn_t free_ctx;
    bool ignore_sess_ctx_changes;
} httpd_req_t;

typedef struct httpd_uri {
    const char *uri;
    httpd_method_t method;
    esp_err_t (*handler)(httpd_req_t *r);
    void *user_ctx;
#if CONFIG_HTTPD_WS_SUPPORT
    bool is_websocket;
    bool handle_ws_control_frames;
    const char *supported_subprotocol;
#endif
} httpd_uri_t;

esp_err_t httpd_register_uri_handler(httpd_handle_t handle, const httpd_uri_t *uri_handler);

typedef enum {
    HTTPD_500_INTERNAL_SERVER_ERROR = 0,
    HTTPD_501_METHOD_NOT_IMPLEMENTED,
    HTTPD_505_VERSION_NOT_SUPPORTED,
    HTTPD_400_BAD_REQUEST,
    HTTPD_401_UNAUTHORIZED,
    HTTPD_403_FORBIDDEN,
    HTTPD_404_NOT_FOUND,
    HTTPD_405_METHOD_NOT_ALLOWED,
    HTTPD_408_REQ_TIMEOUT,
    HTTPD_411_LENGTH_REQUIRED,
    HTTPD_413_CONTENT_TOO_LARGE,
    HTTPD_414_URI_TOO_LONG,
    HTTPD_431_REQ_HDR_FIELDS_TOO_LARGE,
    HTTPD_ERR_CODE_MAX
} httpd_err_code_t;

int httpd_req_to_sockfd(httpd_req_t *r);
esp_err_t httpd_resp_send(httpd_req_t *r, const char *buf, ssize_t buf_len);
esp_err_t httpd_resp_set_type(httpd_req_t *r, const char *type);
esp_err_t httpd_resp_set_hdr(httpd_req_t *r, const char *field, const char *value);
esp_err_t httpd_resp_send_err(httpd_req_t *req, httpd_err_code_t error, const char *msg);
esp_err_t httpd_sess_trigger_close(httpd_handle_t handle, int sockfd);
typedef void (*httpd_work_fn_t)(void *arg);
esp_err_t httpd_queue_work(httpd_handle_t handle, httpd_work_fn_t work, void *arg);

#if CONFIG_HTTPD_WS_SUPPORT
typedef enum {
    HTTPD_WS_TYPE_CONTINUE = 0x0,
    HTTPD_WS_TYPE_TEXT = 0x1,
    HTTPD_WS_TYPE_BINARY = 0x2,
    HTTPD_WS_TYPE_CLOSE = 0x8,
    HTTPD_WS_TYPE_PING = 0x9,
    HTTPD_WS_TYPE_PONG = 0xA
} httpd_ws_type_t;

typedef struct httpd_ws_frame {
    bool final;
    bool fragmented;
    httpd_ws_type_t type;
    uint8_t *payload;
    size_t len;
} httpd_ws_frame_t;

esp_err_t httpd_ws_recv_frame(httpd_req_t *req, httpd_ws_frame_t *pkt, size_t max_len);
esp_err_t httpd_ws_send_frame(httpd_req_t *req, httpd_ws_frame_t *pkt);
#endif
