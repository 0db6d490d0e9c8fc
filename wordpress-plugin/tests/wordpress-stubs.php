<?php
/**
 * Minimal stand-ins for the WordPress functions the plugin's pure code calls. They keep their state in
 * $GLOBALS['vip_presence_stubs'], which VIP_Presence_Test_Case resets before every test. They mimic the
 * WordPress behaviour the tests rely on (escaping, options, filters, transients, HTTP), nothing more.
 *
 * @package vip-presence
 */

// phpcs:disable -- test doubles of WordPress core functions, not plugin code.

define( 'MINUTE_IN_SECONDS', 60 );
define( 'HOUR_IN_SECONDS', 3600 );
define( 'DAY_IN_SECONDS', 86400 );

/**
 * Returns the initial state of the stubs.
 *
 * @return array<string, mixed>
 */
function vip_presence_stubs_initial_state() {
	return array(
		'options'         => array(),
		'filters'         => array(),
		'settings_errors' => array(),
		'transients'      => array(),
		'http_responses'  => array(),
		'http_requests'   => array(),
		'posts'           => array(),
		'current_post_id' => false,
		'queried_id'      => 0,
		'singular'        => false,
		'can'             => true,
		'public_types'    => array( 'post' => 'post', 'page' => 'page', 'attachment' => 'attachment' ),
		'scripts'         => array(
			'registered' => array(),
			'enqueued'   => array(),
		),
	);
}
$GLOBALS['vip_presence_stubs'] = vip_presence_stubs_initial_state();

class WP_Error {
	private $code;
	private $message;

	public function __construct( $code = '', $message = '' ) {
		$this->code    = $code;
		$this->message = $message;
	}

	public function get_error_code() {
		return $this->code;
	}

	public function get_error_message() {
		return $this->message;
	}
}

class WP_Post {
	public $ID;
	public $post_title   = '';
	public $post_content = '';
	public $post_status  = 'publish';
	public $post_password = '';

	public function __construct( array $fields ) {
		foreach ( $fields as $name => $value ) {
			$this->$name = $value;
		}
	}
}

function is_wp_error( $thing ) {
	return $thing instanceof WP_Error;
}

// Hooks. Plugin files register theirs on load; tests add callbacks to the plugin's own filters.
function add_filter( $tag, $callback, $priority = 10, $accepted_args = 1 ) {
	$GLOBALS['vip_presence_stubs']['filters'][ $tag ][] = array( $callback, $accepted_args );
	return true;
}

function add_action( $tag, $callback, $priority = 10, $accepted_args = 1 ) {
	return add_filter( $tag, $callback, $priority, $accepted_args );
}

function apply_filters( $tag, $value, ...$args ) {
	if ( empty( $GLOBALS['vip_presence_stubs']['filters'][ $tag ] ) ) {
		return $value;
	}
	foreach ( $GLOBALS['vip_presence_stubs']['filters'][ $tag ] as $filter ) {
		$value = call_user_func_array( $filter[0], array_slice( array_merge( array( $value ), $args ), 0, $filter[1] ) );
	}
	return $value;
}

function plugin_basename( $file ) {
	return basename( dirname( $file ) ) . '/' . basename( $file );
}

// Options and settings.
function get_option( $name, $default = false ) {
	return array_key_exists( $name, $GLOBALS['vip_presence_stubs']['options'] )
		? $GLOBALS['vip_presence_stubs']['options'][ $name ]
		: $default;
}

function add_settings_error( $setting, $code, $message, $type = 'error' ) {
	$GLOBALS['vip_presence_stubs']['settings_errors'][] = array(
		'setting' => $setting,
		'code'    => $code,
		'message' => $message,
		'type'    => $type,
	);
}

function get_settings_errors( $setting = '' ) {
	return array_values(
		array_filter(
			$GLOBALS['vip_presence_stubs']['settings_errors'],
			function ( $error ) use ( $setting ) {
				return '' === $setting || $error['setting'] === $setting;
			}
		)
	);
}

function get_post_types( $args = array(), $output = 'names' ) {
	return $GLOBALS['vip_presence_stubs']['public_types'];
}

// Transients.
function get_transient( $name ) {
	return isset( $GLOBALS['vip_presence_stubs']['transients'][ $name ] )
		? $GLOBALS['vip_presence_stubs']['transients'][ $name ]['value']
		: false;
}

function set_transient( $name, $value, $expiration = 0 ) {
	$GLOBALS['vip_presence_stubs']['transients'][ $name ] = array(
		'value'      => $value,
		'expiration' => $expiration,
	);
	return true;
}

// HTTP: tests queue responses (arrays like WordPress returns, or WP_Error) and read the requests.
function wp_remote_get( $url, $args = array() ) {
	$GLOBALS['vip_presence_stubs']['http_requests'][] = array(
		'url'  => $url,
		'args' => $args,
	);
	if ( empty( $GLOBALS['vip_presence_stubs']['http_responses'] ) ) {
		return new WP_Error( 'http_request_failed', 'cURL error 7: Failed to connect' );
	}
	return array_shift( $GLOBALS['vip_presence_stubs']['http_responses'] );
}

function wp_remote_retrieve_response_code( $response ) {
	return is_array( $response ) && isset( $response['response']['code'] ) ? $response['response']['code'] : '';
}

function wp_remote_retrieve_body( $response ) {
	return is_array( $response ) && isset( $response['body'] ) ? $response['body'] : '';
}

// Translation: English as written.
function __( $text, $domain = 'default' ) {
	return $text;
}

function esc_html__( $text, $domain = 'default' ) {
	return esc_html( $text );
}

function esc_attr__( $text, $domain = 'default' ) {
	return esc_attr( $text );
}

function _n( $single, $plural, $number, $domain = 'default' ) {
	return 1 === (int) $number ? $single : $plural;
}

function number_format_i18n( $number, $decimals = 0 ) {
	return number_format( (float) $number, $decimals );
}

// Escaping, as strict as WordPress for what the tests check.
function esc_attr( $text ) {
	return htmlspecialchars( (string) $text, ENT_QUOTES, 'UTF-8', false );
}

function esc_html( $text ) {
	return htmlspecialchars( (string) $text, ENT_QUOTES, 'UTF-8', false );
}

function esc_url( $url ) {
	$url = (string) $url;
	return preg_match( '#^https?://#i', $url ) ? htmlspecialchars( $url, ENT_QUOTES, 'UTF-8', false ) : '';
}

function wp_parse_url( $url, $component = -1 ) {
	return parse_url( $url, $component );
}

function wp_json_encode( $data, $options = 0, $depth = 512 ) {
	return json_encode( $data, $options, $depth );
}

function shortcode_atts( $pairs, $atts, $shortcode = '' ) {
	$atts = (array) $atts;
	$out  = array();
	foreach ( $pairs as $name => $default ) {
		$out[ $name ] = array_key_exists( $name, $atts ) ? $atts[ $name ] : $default;
	}
	return $out;
}

function wp_kses( $content, $allowed_html ) {
	return $content;
}

function __checked_selected_helper_stub( $helper, $current, $echo, $type ) {
	$result = (string) $helper === (string) $current ? " $type='$type'" : '';
	if ( $echo ) {
		echo $result;
	}
	return $result;
}

function checked( $checked, $current = true, $echo = true ) {
	return __checked_selected_helper_stub( $checked, $current, $echo, 'checked' );
}

function disabled( $disabled, $current = true, $echo = true ) {
	return __checked_selected_helper_stub( $disabled, $current, $echo, 'disabled' );
}

function get_post_type_object( $name ) {
	return (object) array( 'labels' => (object) array( 'name' => ucfirst( $name ) . 's' ) );
}

// Posts and users.
function get_post( $post = null ) {
	$id = null === $post ? $GLOBALS['vip_presence_stubs']['current_post_id'] : ( is_object( $post ) ? $post->ID : (int) $post );
	return isset( $GLOBALS['vip_presence_stubs']['posts'][ $id ] ) ? $GLOBALS['vip_presence_stubs']['posts'][ $id ] : null;
}

function is_singular( $post_types = '' ) {
	return $GLOBALS['vip_presence_stubs']['singular'];
}

function get_queried_object_id() {
	return $GLOBALS['vip_presence_stubs']['queried_id'];
}

function get_the_ID() {
	return $GLOBALS['vip_presence_stubs']['current_post_id'];
}

function get_the_title( $post = 0 ) {
	$post = get_post( $post );
	return $post ? $post->post_title : '';
}

function get_permalink( $post = 0 ) {
	$post = get_post( $post );
	return $post ? 'https://example.com/?p=' . $post->ID : false;
}

function post_password_required( $post = null ) {
	$post = get_post( $post );
	return $post && '' !== $post->post_password;
}

function is_post_publicly_viewable( $post = null ) {
	$post = get_post( $post );
	return $post && 'publish' === $post->post_status;
}

function current_user_can( $capability, ...$args ) {
	return $GLOBALS['vip_presence_stubs']['can'];
}

// Scripts.
function wp_script_is( $handle, $status = 'enqueued' ) {
	return in_array( $handle, $GLOBALS['vip_presence_stubs']['scripts'][ $status ], true );
}

function wp_enqueue_script( $handle ) {
	$GLOBALS['vip_presence_stubs']['scripts']['enqueued'][] = $handle;
}
