<?php
/**
 * Settings: the sanitize callbacks of the options (settings.php registers them), which refuse a bad
 * value with a message on the settings screen and keep the stored one.
 *
 * @package vip-presence
 * @since 0.2.0 Apart from settings.php.
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit; // Exit if accessed directly.
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
