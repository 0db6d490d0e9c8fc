<?php
/**
 * Settings: option names, defaults, getters (constants win over options) and sanitize callbacks.
 *
 * The admin screen that edits these options lives in settings-page.php.
 *
 * @package vip-presence
 * @since 0.1.0
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit; // Exit if accessed directly.
}

/**
 * Returns the default value of every option of the plugin, keyed by option name.
 *
 * @since 0.1.0
 *
 * @return array<string, mixed> Defaults.
 */
function vip_presence_get_setting_defaults() {
	return array(
		'vip_presence_server_url'          => '',
		'vip_presence_api_url'             => '',
		'vip_presence_secret'              => '',
		'vip_presence_auto_insert'         => 'after',
		'vip_presence_post_types'          => array( 'post' ),
		'vip_presence_hide_below'          => 0,
		'vip_presence_hidden_tabs_minutes' => 5,
	);
}

/**
 * Returns the most minutes the background tabs setting takes (a day).
 *
 * @since 0.2.0
 *
 * @return int Minutes.
 */
function vip_presence_max_hidden_tabs_minutes() {
	return 1440;
}

/**
 * Returns the positions the widget can be inserted at automatically.
 *
 * @since 0.1.0
 *
 * @return string[] Allowed values of the vip_presence_auto_insert option.
 */
function vip_presence_get_auto_insert_positions() {
	return array( 'before', 'after', 'off' );
}

/**
 * Adds a settings error unless it is already there (WordPress runs the sanitize callback twice when an
 * option is saved for the first time).
 *
 * @since 0.1.0
 *
 * @param string $setting Option name the message belongs to.
 * @param string $code    Slug of the message.
 * @param string $message Text shown to the user.
 * @param string $type    One of 'error', 'warning', 'success', 'info'.
 */
function vip_presence_add_settings_error( $setting, $code, $message, $type = 'error' ) {
	// Both live in wp-admin/includes/template.php, which REST and WP-CLI requests do not load.
	if ( ! function_exists( 'add_settings_error' ) || ! function_exists( 'get_settings_errors' ) ) {
		return;
	}
	foreach ( get_settings_errors( $setting ) as $error ) {
		if ( isset( $error['code'] ) && $code === $error['code'] ) {
			return;
		}
	}
	add_settings_error( $setting, $code, $message, $type );
}

/**
 * Parses and normalizes a presence server URL.
 *
 * Accepted: an http:// or https:// address with a host name (or IP address) and an optional port,
 * without credentials, path, query or fragment (Socket.IO would read a path as a namespace).
 * The result is lowercased and has no trailing slash, e.g. "https://presence.example.com:8443".
 *
 * @since 0.1.0
 *
 * @param mixed $url Raw input.
 * @return string|null The normalized URL, or null when the input is not an acceptable URL.
 */
function vip_presence_parse_server_url( $url ) {
	if ( ! is_string( $url ) ) {
		return null;
	}
	$url = trim( $url );
	// Control characters too: parse_url() would silently turn them into "_" inside the host name.
	if ( '' === $url || strlen( $url ) > 2048 || preg_match( '/[\s\x00-\x1f\x7f<>"\'`\\\\{}|^]/', $url ) ) {
		return null;
	}
	$parts = wp_parse_url( $url );
	if ( ! is_array( $parts ) || empty( $parts['scheme'] ) || empty( $parts['host'] ) ) {
		return null;
	}
	$scheme = strtolower( $parts['scheme'] );
	if ( 'http' !== $scheme && 'https' !== $scheme ) {
		return null;
	}
	if ( isset( $parts['user'] ) || isset( $parts['pass'] ) || isset( $parts['query'] ) || isset( $parts['fragment'] ) ) {
		return null;
	}
	if ( isset( $parts['path'] ) && '' !== $parts['path'] && '/' !== $parts['path'] ) {
		return null;
	}
	$host       = strtolower( $parts['host'] );
	$label      = '[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?';
	$is_name    = (bool) preg_match( '/^' . $label . '(?:\.' . $label . ')*$/', $host );
	$is_ip_v6   = (bool) preg_match( '/^\[[0-9a-f:.]+\]$/', $host );
	$has_scheme = 0 === strpos( strtolower( $url ), $scheme . '://' );
	if ( ! $has_scheme || ( ! $is_name && ! $is_ip_v6 ) ) {
		return null;
	}
	$port = '';
	if ( isset( $parts['port'] ) ) {
		$number = (int) $parts['port'];
		if ( $number < 1 || $number > 65535 ) {
			return null;
		}
		$port = ':' . $number;
	}
	return $scheme . '://' . $host . $port;
}

/**
 * Tells whether wp-config.php sets the server URL (the settings field is then locked).
 *
 * @since 0.1.0
 *
 * @return bool
 */
function vip_presence_is_server_url_locked() {
	return defined( 'VIP_PRESENCE_SERVER_URL' );
}

/**
 * Tells whether wp-config.php sets the read API URL (the settings field is then locked).
 *
 * @since 0.2.0
 *
 * @return bool
 */
function vip_presence_is_api_url_locked() {
	return defined( 'VIP_PRESENCE_API_URL' );
}

/**
 * Tells whether wp-config.php sets the shared secret (the settings field is then locked).
 *
 * @since 0.1.0
 *
 * @return bool
 */
function vip_presence_is_secret_locked() {
	return defined( 'VIP_PRESENCE_SECRET' );
}

/**
 * Returns the presence server URL in effect: the VIP_PRESENCE_SERVER_URL constant, else the option.
 *
 * @since 0.1.0
 *
 * @return string Normalized URL without trailing slash, or '' when none (or an invalid one) is set.
 */
function vip_presence_get_server_url() {
	$raw = vip_presence_is_server_url_locked()
		? VIP_PRESENCE_SERVER_URL
		: get_option( 'vip_presence_server_url', '' );
	$url = vip_presence_parse_server_url( $raw );

	/**
	 * Filters the presence server URL that browsers connect to.
	 *
	 * @since 0.1.0
	 *
	 * @param string $url Normalized URL, or '' when the plugin is not configured.
	 */
	$url = apply_filters( 'vip_presence_server_url', null === $url ? '' : $url );
	return is_string( $url ) ? $url : '';
}

/**
 * Returns the read API URL that is set: the VIP_PRESENCE_API_URL constant, else the option. Where
 * WordPress itself reads counts (the server's private port, apart from the URL browsers connect to);
 * vip_presence_get_api_url() falls back to the server URL when none is set.
 *
 * @since 0.2.0
 *
 * @return string Normalized URL without trailing slash, or '' when none (or an invalid one) is set.
 */
function vip_presence_get_api_url_setting() {
	$raw = vip_presence_is_api_url_locked()
		? VIP_PRESENCE_API_URL
		: get_option( 'vip_presence_api_url', '' );
	$url = vip_presence_parse_server_url( $raw );
	return null === $url ? '' : $url;
}

/**
 * Returns the shared secret in effect: the VIP_PRESENCE_SECRET constant, else the option.
 *
 * @since 0.1.0
 *
 * @return string The secret, or '' when none is set (the server must then run in development mode).
 */
function vip_presence_get_secret() {
	$secret = vip_presence_is_secret_locked()
		? VIP_PRESENCE_SECRET
		: get_option( 'vip_presence_secret', '' );
	return is_string( $secret ) ? $secret : '';
}

/**
 * Tells whether the plugin knows where its presence server is.
 *
 * @since 0.1.0
 *
 * @return bool
 */
function vip_presence_is_configured() {
	return '' !== vip_presence_get_server_url();
}

/**
 * Returns where the widget is inserted automatically.
 *
 * @since 0.1.0
 *
 * @return string 'before', 'after' or 'off'.
 */
function vip_presence_get_auto_insert() {
	$value = get_option( 'vip_presence_auto_insert', 'after' );
	return in_array( $value, vip_presence_get_auto_insert_positions(), true ) ? $value : 'after';
}

/**
 * Returns the post types chosen for automatic insertion and the "Reading now" column.
 *
 * @since 0.1.0
 *
 * @return string[] Post type names.
 */
function vip_presence_get_post_types() {
	$value = get_option( 'vip_presence_post_types', array( 'post' ) );
	if ( ! is_array( $value ) ) {
		return array();
	}
	return array_values( array_filter( $value, 'is_string' ) );
}

/**
 * Returns K: the widget stays empty while fewer than K other people view the post.
 *
 * @since 0.1.0
 *
 * @return int K, 0 or more (0 always shows the widget).
 */
function vip_presence_get_hide_below() {
	$value = get_option( 'vip_presence_hide_below', 0 );
	return is_numeric( $value ) ? max( 0, (int) $value ) : 0;
}

/**
 * Returns after how many minutes a reader whose tabs showing a post have all been hidden (in the
 * background, minimized, another app in front) stops counting, until a tab is shown again.
 *
 * @since 0.2.0
 *
 * @return int Minutes, 0 to 1440; 0 never stops counting hidden tabs.
 */
function vip_presence_get_hidden_tabs_minutes() {
	$value = get_option( 'vip_presence_hidden_tabs_minutes', 5 );
	if ( ! is_numeric( $value ) ) {
		return 5;
	}
	return max( 0, min( vip_presence_max_hidden_tabs_minutes(), (int) $value ) );
}

/**
 * Returns the background tabs setting as the SDK takes it (`hiddenTimeoutMs`).
 *
 * @since 0.2.0
 *
 * @return int Milliseconds; 0 never stops counting hidden tabs.
 */
function vip_presence_get_hidden_timeout_ms() {
	return vip_presence_get_hidden_tabs_minutes() * MINUTE_IN_SECONDS * 1000;
}

/**
 * Returns the public post types an admin can choose from (attachments excluded).
 *
 * @since 0.1.0
 *
 * @return string[] Post type names.
 */
function vip_presence_get_public_post_types() {
	$names = get_post_types( array( 'public' => true ), 'names' );
	unset( $names['attachment'] );
	return array_values( $names );
}

/**
 * Refuses a value submitted for a field that a wp-config.php constant locks (a crafted request: the
 * settings form does not submit locked fields). The stored option is kept as it is.
 *
 * @since 0.1.0
 *
 * @param string $setting Option name the message belongs to.
 * @param string $message Text shown to the user.
 */
function vip_presence_refuse_locked_value( $setting, $message ) {
	vip_presence_add_settings_error( $setting, $setting . '_locked', $message );
}

/**
 * Sanitizes the server URL option. A bad value is refused with a message and the previous one kept.
 *
 * While the VIP_PRESENCE_SERVER_URL constant locks the field, the stored option never changes: a bad
 * value is still reported as bad, a good one as locked.
 *
 * @since 0.1.0
 *
 * @param mixed $value Submitted value; null when the field was not submitted (locked by a constant).
 * @return string The value to store.
 */
function vip_presence_sanitize_server_url( $value ) {
	return vip_presence_sanitize_url_option(
		'vip_presence_server_url',
		$value,
		vip_presence_is_server_url_locked(),
		__( 'The server URL was not saved: enter an http:// or https:// address with a host name and no path, such as https://presence.example.com or http://localhost:3000. The previous value was kept.', 'vip-presence' ),
		sprintf(
			/* translators: 1: constant name, 2: wp-config.php */
			__( 'The server URL was not saved: it is set by the %1$s constant in %2$s; change it there.', 'vip-presence' ),
			'VIP_PRESENCE_SERVER_URL',
			'wp-config.php'
		)
	);
}

/**
 * Sanitizes the read API URL option, like the server URL: a bad value is refused with a message and
 * the previous one kept; '' (the server URL) is allowed. While the VIP_PRESENCE_API_URL constant
 * locks the field, the stored option never changes.
 *
 * @since 0.2.0
 *
 * @param mixed $value Submitted value; null when the field was not submitted (locked by a constant).
 * @return string The value to store.
 */
function vip_presence_sanitize_api_url( $value ) {
	return vip_presence_sanitize_url_option(
		'vip_presence_api_url',
		$value,
		vip_presence_is_api_url_locked(),
		__( 'The read API URL was not saved: enter an http:// or https:// address with a host name and no path, such as http://127.0.0.1:3001, or leave it empty to use the server URL. The previous value was kept.', 'vip-presence' ),
		sprintf(
			/* translators: 1: constant name, 2: wp-config.php */
			__( 'The read API URL was not saved: it is set by the %1$s constant in %2$s; change it there.', 'vip-presence' ),
			'VIP_PRESENCE_API_URL',
			'wp-config.php'
		)
	);
}

/**
 * What the two URL options share: '' or an address vip_presence_parse_server_url() accepts is
 * stored; anything else is refused with `$invalid_message` (error code `<option>` with
 * "vip_presence_" replaced by "vip_presence_invalid_") and the previous value kept. While a constant
 * locks the option, the stored value never changes: a bad value is still reported as bad, a
 * different good one as locked.
 *
 * @since 0.2.0
 *
 * @param string $option          Option name, e.g. 'vip_presence_server_url'.
 * @param mixed  $value           Submitted value; null when the field was not submitted.
 * @param bool   $locked          Whether a constant sets the option.
 * @param string $invalid_message Message for a malformed value.
 * @param string $locked_message  Message for a new value while locked.
 * @return string The value to store.
 */
function vip_presence_sanitize_url_option( $option, $value, $locked, $invalid_message, $locked_message ) {
	$previous = get_option( $option, '' );
	$previous = is_string( $previous ) ? $previous : '';
	if ( null === $value ) {
		return $previous;
	}
	$url = is_string( $value ) && '' === trim( $value ) ? '' : vip_presence_parse_server_url( $value );
	if ( null === $url ) {
		$code = 'vip_presence_invalid_' . substr( $option, strlen( 'vip_presence_' ) );
		vip_presence_add_settings_error( $option, $code, $invalid_message );
		return $previous;
	}
	if ( $locked ) {
		if ( $url !== $previous ) {
			vip_presence_refuse_locked_value( $option, $locked_message );
		}
		return $previous;
	}
	return $url;
}

/**
 * Sanitizes the shared secret option.
 *
 * The settings form sends an array: `value` (blank keeps the current secret) and `clear` (removes it).
 * A string (update_option(), WP-CLI) replaces the secret; an empty string removes it.
 * While the VIP_PRESENCE_SECRET constant locks the field, the stored option never changes.
 *
 * @since 0.1.0
 *
 * @param mixed $value Submitted value; null when the field was not submitted (locked by a constant).
 * @return string The value to store.
 */
function vip_presence_sanitize_secret( $value ) {
	$previous = get_option( 'vip_presence_secret', '' );
	$previous = is_string( $previous ) ? $previous : '';
	if ( is_array( $value ) ) {
		if ( ! empty( $value['clear'] ) ) {
			$value = '';
		} else {
			$value = isset( $value['value'] ) && is_string( $value['value'] ) ? trim( $value['value'] ) : '';
			if ( '' === $value ) {
				return $previous;
			}
		}
	}
	if ( ! is_string( $value ) ) {
		return $previous;
	}
	$value = trim( $value );
	if ( strlen( $value ) > 1024 || preg_match( '/[\x00-\x1f\x7f]/', $value ) ) {
		vip_presence_add_settings_error(
			'vip_presence_secret',
			'vip_presence_invalid_secret',
			__( 'The shared secret was not saved: it must be at most 1024 characters, without line breaks or control characters. The previous secret was kept.', 'vip-presence' )
		);
		return $previous;
	}
	if ( vip_presence_is_secret_locked() ) {
		if ( $value !== $previous ) {
			vip_presence_refuse_locked_value(
				'vip_presence_secret',
				sprintf(
					/* translators: 1: constant name, 2: wp-config.php */
					__( 'The shared secret was not saved: it is set by the %1$s constant in %2$s; change it there.', 'vip-presence' ),
					'VIP_PRESENCE_SECRET',
					'wp-config.php'
				)
			);
		}
		return $previous;
	}
	if ( '' !== $value && strlen( $value ) < 16 ) {
		vip_presence_add_settings_error(
			'vip_presence_secret',
			'vip_presence_short_secret',
			__( 'The shared secret was saved, but it is shorter than 16 characters. A long random secret is much harder to guess.', 'vip-presence' ),
			'warning'
		);
	}
	return $value;
}

/**
 * Sanitizes the auto-insert option ('before', 'after' or 'off').
 *
 * @since 0.1.0
 *
 * @param mixed $value Submitted value.
 * @return string The value to store.
 */
function vip_presence_sanitize_auto_insert( $value ) {
	if ( is_string( $value ) && in_array( $value, vip_presence_get_auto_insert_positions(), true ) ) {
		return $value;
	}
	if ( null !== $value ) {
		vip_presence_add_settings_error(
			'vip_presence_auto_insert',
			'vip_presence_invalid_auto_insert',
			__( 'Automatic insertion must be "before the content", "after the content" or "off". The previous choice was kept.', 'vip-presence' )
		);
	}
	return vip_presence_get_auto_insert();
}

/**
 * Sanitizes the post types option: keeps the names of public post types only.
 *
 * @since 0.1.0
 *
 * @param mixed $value Submitted value: a list of post type names (the form adds an empty one).
 * @return string[] The value to store.
 */
function vip_presence_sanitize_post_types( $value ) {
	if ( ! is_array( $value ) ) {
		return vip_presence_get_post_types();
	}
	$public = vip_presence_get_public_post_types();
	$chosen = array();
	foreach ( $value as $name ) {
		if ( is_string( $name ) && in_array( $name, $public, true ) && ! in_array( $name, $chosen, true ) ) {
			$chosen[] = $name;
		}
	}
	return $chosen;
}

/**
 * Sanitizes K (hide counts below K): a whole number, 0 or more. A bad value keeps the previous one.
 *
 * @since 0.1.0
 *
 * @param mixed $value Submitted value.
 * @return int The value to store.
 */
function vip_presence_sanitize_hide_below( $value ) {
	if ( null === $value ) {
		return vip_presence_get_hide_below();
	}
	if ( is_string( $value ) ) {
		$value = trim( $value );
		if ( '' === $value ) {
			return 0;
		}
		if ( preg_match( '/^[0-9]{1,9}$/', $value ) ) {
			return (int) $value;
		}
	} elseif ( is_int( $value ) && $value >= 0 ) {
		return $value;
	}
	vip_presence_add_settings_error(
		'vip_presence_hide_below',
		'vip_presence_invalid_hide_below',
		__( '"Hide counts below" must be a whole number, 0 or more. The previous value was kept.', 'vip-presence' )
	);
	return vip_presence_get_hide_below();
}

/**
 * Sanitizes the background tabs setting: whole minutes, 0 to 1440. A bad value keeps the previous one.
 *
 * @since 0.2.0
 *
 * @param mixed $value Submitted value.
 * @return int The value to store.
 */
function vip_presence_sanitize_hidden_tabs_minutes( $value ) {
	if ( null === $value ) {
		return vip_presence_get_hidden_tabs_minutes();
	}
	if ( is_string( $value ) && preg_match( '/^[0-9]{1,4}$/', trim( $value ) ) ) {
		$value = (int) trim( $value );
	}
	if ( is_int( $value ) && $value >= 0 && $value <= vip_presence_max_hidden_tabs_minutes() ) {
		return $value;
	}
	vip_presence_add_settings_error(
		'vip_presence_hidden_tabs_minutes',
		'vip_presence_invalid_hidden_tabs_minutes',
		sprintf(
			/* translators: %d: the most minutes the setting takes */
			__( '"Stop counting background tabs after" must be a whole number of minutes, from 0 to %d. The previous value was kept.', 'vip-presence' ),
			vip_presence_max_hidden_tabs_minutes()
		)
	);
	return vip_presence_get_hidden_tabs_minutes();
}

/**
 * Registers the options with the Settings API (and the REST API, except the secret).
 *
 * @since 0.1.0
 */
function vip_presence_register_settings() {
	$defaults = vip_presence_get_setting_defaults();

	register_setting(
		'vip_presence',
		'vip_presence_server_url',
		array(
			'type'              => 'string',
			'description'       => __( 'URL of the presence server.', 'vip-presence' ),
			'sanitize_callback' => 'vip_presence_sanitize_server_url',
			'default'           => $defaults['vip_presence_server_url'],
			'show_in_rest'      => true,
		)
	);
	register_setting(
		'vip_presence',
		'vip_presence_api_url',
		array(
			'type'              => 'string',
			'description'       => __( 'URL at which WordPress reads counts from the presence server (its private port); empty: the server URL.', 'vip-presence' ),
			'sanitize_callback' => 'vip_presence_sanitize_api_url',
			'default'           => $defaults['vip_presence_api_url'],
			'show_in_rest'      => true,
		)
	);
	register_setting(
		'vip_presence',
		'vip_presence_secret',
		array(
			'type'              => 'string',
			'description'       => __( 'Secret shared with the presence server to sign view tokens.', 'vip-presence' ),
			'sanitize_callback' => 'vip_presence_sanitize_secret',
			'default'           => $defaults['vip_presence_secret'],
			'show_in_rest'      => false,
		)
	);
	register_setting(
		'vip_presence',
		'vip_presence_auto_insert',
		array(
			'type'              => 'string',
			'description'       => __( 'Where the live viewers widget is inserted automatically.', 'vip-presence' ),
			'sanitize_callback' => 'vip_presence_sanitize_auto_insert',
			'default'           => $defaults['vip_presence_auto_insert'],
			'show_in_rest'      => array(
				'schema' => array( 'enum' => vip_presence_get_auto_insert_positions() ),
			),
		)
	);
	register_setting(
		'vip_presence',
		'vip_presence_post_types',
		array(
			'type'              => 'array',
			'description'       => __( 'Post types that show the widget automatically and the Reading now column.', 'vip-presence' ),
			'sanitize_callback' => 'vip_presence_sanitize_post_types',
			'default'           => $defaults['vip_presence_post_types'],
			'show_in_rest'      => array(
				'schema' => array( 'items' => array( 'type' => 'string' ) ),
			),
		)
	);
	register_setting(
		'vip_presence',
		'vip_presence_hide_below',
		array(
			'type'              => 'integer',
			'description'       => __( 'The widget stays empty while fewer than this many other people view the post.', 'vip-presence' ),
			'sanitize_callback' => 'vip_presence_sanitize_hide_below',
			'default'           => $defaults['vip_presence_hide_below'],
			'show_in_rest'      => array(
				'schema' => array( 'minimum' => 0 ),
			),
		)
	);
	register_setting(
		'vip_presence',
		'vip_presence_hidden_tabs_minutes',
		array(
			'type'              => 'integer',
			'description'       => __( 'Minutes after which a reader whose tabs showing the post are all hidden stops counting, until a tab is shown again. 0 never stops counting them.', 'vip-presence' ),
			'sanitize_callback' => 'vip_presence_sanitize_hidden_tabs_minutes',
			'default'           => $defaults['vip_presence_hidden_tabs_minutes'],
			'show_in_rest'      => array(
				'schema' => array(
					'minimum' => 0,
					'maximum' => vip_presence_max_hidden_tabs_minutes(),
				),
			),
		)
	);
}
add_action( 'init', 'vip_presence_register_settings' );
