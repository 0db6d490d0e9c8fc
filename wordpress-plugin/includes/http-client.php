<?php
/**
 * HTTP client for the presence server's read API, called from this server (never from browsers), at
 * the read API URL (vip_presence_get_api_url(): the server's private port from server 0.2.0 on):
 *
 *   GET /api/v1/top?limit=10&site=<key>           { "posts": [ { "postId": 123, "count": 4, "peak": 9,
 *                                                   "peakAt": 1764300000123, "views": 120 } ] }
 *   GET /api/v1/top?limit=10&series=60&site=<key> the same, each post with "series": { "from": …,
 *                                                   "bucketMs": 60000, "max": [...], "mean": [...] }
 *   GET /api/v1/counts?postIds=1,2,3&site=<key>   { "counts": { "1": 3, "2": 0 },
 *                                                   "stats": { "1": { "count": 3, "peak": 9,
 *                                                   "peakAt": 1764300000123, "views": 120 }, ... } }
 *
 * `peak` is the most readers the post had at once, `peakAt` when it was first reached (ms since the
 * epoch, null before any reader), `views` its total views. Servers before 0.2 answer without them.
 *
 * The /api/v1 endpoints get `Authorization: Bearer <read token, else secret>` when one is set, and
 * `&site=<site key>` (site-key.php) unless the key is '' (the server's default site), so the answers
 * are this site's counts only. Answers are cached briefly in transients, failures too, so a server
 * that is down slows down no more than one request per cache period; the transient names carry the
 * site key, so that a new key (or another site sharing the object cache) never reads old answers.
 *
 * @package vip-presence
 * @since 0.1.0
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit; // Exit if accessed directly.
}

/**
 * Returns the base URL WordPress uses to reach the server's read API (/api/v1/*): the
 * VIP_PRESENCE_API_URL constant, else the "Read API URL" setting, else the server URL (servers
 * before 0.2.0 serve the read API on the port browsers connect to; from 0.2.0 on it is on the
 * server's private port, PRIVATE_HOST:PRIVATE_PORT, 127.0.0.1:3001 by default). Never sent to browsers.
 *
 * @since 0.1.0
 * @since 0.2.0 The VIP_PRESENCE_API_URL constant and the vip_presence_api_url option.
 *
 * @return string URL without trailing slash, or '' when the plugin is not configured.
 */
function vip_presence_get_api_url() {
	$url = '';
	if ( vip_presence_is_configured() ) {
		$url = vip_presence_get_api_url_setting();
		$url = '' === $url ? vip_presence_get_server_url() : $url;
	}

	/**
	 * Filters the base URL of the server's read API, as seen from this WordPress server. Useful when
	 * WordPress reaches the server on an internal address while browsers use the public one.
	 *
	 * @since 0.1.0
	 * @since 0.2.0 Given the VIP_PRESENCE_API_URL constant or the vip_presence_api_url option when set.
	 *
	 * @param string $url The read API URL in effect (constant, setting, else the server URL), or ''
	 *                    when the plugin is not configured.
	 */
	$url = apply_filters( 'vip_presence_api_url', $url );
	return is_string( $url ) ? rtrim( $url, '/' ) : '';
}

/**
 * Returns how long API answers (and failures) are cached.
 *
 * @since 0.1.0
 *
 * @return int Seconds; 15 unless filtered.
 */
function vip_presence_get_api_cache_ttl() {
	/**
	 * Filters how long answers of the server's API are cached, in seconds.
	 *
	 * @since 0.1.0
	 *
	 * @param int $ttl Seconds. Default 15.
	 */
	$ttl = apply_filters( 'vip_presence_api_cache_ttl', 15 );
	return is_numeric( $ttl ) ? max( 1, (int) $ttl ) : 15;
}

/**
 * Returns the credential the read API takes: the VIP_PRESENCE_READ_TOKEN constant (the server's
 * READ_API_TOKEN), else the shared secret, which servers without a read token still accept.
 *
 * @since 0.2.0
 *
 * @return string The bearer credential, or '' when none is set.
 */
function vip_presence_get_read_credential() {
	if ( defined( 'VIP_PRESENCE_READ_TOKEN' ) && is_string( VIP_PRESENCE_READ_TOKEN ) && '' !== VIP_PRESENCE_READ_TOKEN ) {
		return VIP_PRESENCE_READ_TOKEN;
	}
	return vip_presence_get_secret();
}

/**
 * Returns the path and query of a read API call for this site: the query plus `&site=<site key>`,
 * unless the key is '' (the server's default site, which takes no site parameter).
 *
 * @since 0.2.0
 *
 * @param string $path  Path and query of the endpoint, e.g. "/api/v1/top?limit=10".
 * @param string $site  Site key, or ''.
 * @return string Path and query.
 */
function vip_presence_read_api_path( $path, $site ) {
	return '' === $site ? $path : $path . '&site=' . rawurlencode( $site );
}

/**
 * Returns the transient name that caches a read API call of a site.
 *
 * @since 0.2.0
 *
 * @param string $kind    What is asked: 'top' or 'counts'.
 * @param string $request What identifies the request within its kind (the limit, the post ids).
 * @param string $site    Site key, or ''.
 * @return string vip_presence_<kind>_<md5 of site and request>, 49 characters at most for these kinds.
 */
function vip_presence_api_transient_name( $kind, $request, $site ) {
	return 'vip_presence_' . $kind . '_' . md5( $site . '|' . $request );
}

/**
 * Returns the arguments of every request to the server.
 *
 * @since 0.1.0
 *
 * @param bool $authenticated Whether to send the read API's credential as a bearer token.
 * @return array<string, mixed> Arguments for wp_remote_get().
 */
function vip_presence_get_request_args( $authenticated ) {
	$args       = array(
		'timeout'     => 2,
		'redirection' => 0,
		'headers'     => array( 'Accept' => 'application/json' ),
	);
	$credential = vip_presence_get_read_credential();
	if ( $authenticated && '' !== $credential ) {
		$args['headers']['Authorization'] = 'Bearer ' . $credential;
	}
	return $args;
}

/**
 * GETs a JSON document from the server's API.
 *
 * @since 0.1.0
 *
 * @param string $path Path and query, starting with "/".
 * @return array<mixed>|WP_Error The decoded JSON object, or an error whose code tells what failed:
 *                               vip_presence_not_configured, vip_presence_unreachable,
 *                               vip_presence_unauthorized, vip_presence_http_error, vip_presence_bad_response,
 *                               vip_presence_series_off (asked for `series` of a server that keeps none).
 */
function vip_presence_api_get( $path ) {
	$base = vip_presence_get_api_url();
	if ( '' === $base ) {
		return new WP_Error( 'vip_presence_not_configured', __( 'No presence server URL is set.', 'vip-presence' ) );
	}
	$response = wp_remote_get( $base . $path, vip_presence_get_request_args( true ) );
	if ( is_wp_error( $response ) ) {
		return new WP_Error(
			'vip_presence_unreachable',
			/* translators: %s: error message of the HTTP request */
			sprintf( __( 'The presence server could not be reached: %s', 'vip-presence' ), $response->get_error_message() )
		);
	}
	$status     = (int) wp_remote_retrieve_response_code( $response );
	$series_off = static function ( $body ) {
		$error = json_decode( $body, true );
		return is_array( $error ) && isset( $error['error'] ) && 'series_off' === $error['error'];
	};
	if ( 401 === $status || 403 === $status ) {
		return new WP_Error(
			'vip_presence_unauthorized',
			__( 'The presence server refused the shared secret. Check that it matches the server\'s PRESENCE_SECRET.', 'vip-presence' )
		);
	}
	if ( 400 === $status && $series_off( (string) wp_remote_retrieve_body( $response ) ) ) {
		return new WP_Error( 'vip_presence_series_off', __( 'The presence server does not keep readers over time (SERIES_BUCKET_MS=0).', 'vip-presence' ) );
	}
	if ( 200 !== $status ) {
		return new WP_Error(
			'vip_presence_http_error',
			/* translators: %d: HTTP status code */
			sprintf( __( 'The presence server answered with HTTP status %d.', 'vip-presence' ), $status )
		);
	}
	$data = json_decode( (string) wp_remote_retrieve_body( $response ), true );
	if ( ! is_array( $data ) ) {
		return new WP_Error( 'vip_presence_bad_response', __( 'The presence server sent an answer that is not JSON.', 'vip-presence' ) );
	}
	return $data;
}

/**
 * Reads a post's peak, its time and its views from an answer of the read API.
 *
 * @since 0.2.0
 *
 * @param array<string, mixed> $entry An entry of `posts` (top) or of `stats` (counts).
 * @return array{peak: int, peak_at: int|null, views: int}|null Peak, when it was first reached (a Unix
 *                                                             timestamp, null before any reader) and
 *                                                             views; null when the entry has none (a
 *                                                             server before 0.2) or they are malformed.
 */
function vip_presence_parse_totals( array $entry ) {
	if ( ! isset( $entry['peak'], $entry['views'] ) || ! array_key_exists( 'peakAt', $entry ) ) {
		return null;
	}
	$peak    = $entry['peak'];
	$views   = $entry['views'];
	$peak_at = $entry['peakAt'];
	if ( ! is_int( $peak ) || $peak < 0 || ! is_int( $views ) || $views < 0 ) {
		return null;
	}
	if ( null !== $peak_at && ( ! is_int( $peak_at ) || $peak_at < 0 ) ) {
		return null;
	}
	return array(
		'peak'    => $peak,
		'peak_at' => null === $peak_at || 0 === $peak ? null : intdiv( $peak_at, 1000 ),
		'views'   => $views,
	);
}

/**
 * Reads a post's readers over time (`series`, asked with `series=N`) from an answer of the read API.
 *
 * @since 0.2.0
 *
 * @param mixed $series `{ from, bucketMs, max: [...], mean: [...] }`: bucket i began at
 *                      from + i * bucketMs (ms since the epoch), oldest first, the last the current one.
 * @return array{from: int, bucket_ms: int, max: array<int, int|null>, mean: array<int, float|null>}|null
 *         The series (null in a bucket: not known), or null when it is malformed.
 */
function vip_presence_parse_series( $series ) {
	if ( ! is_array( $series ) || ! isset( $series['from'], $series['bucketMs'], $series['max'], $series['mean'] ) ) {
		return null;
	}
	$from      = $series['from'];
	$bucket_ms = $series['bucketMs'];
	$max       = $series['max'];
	$mean      = $series['mean'];
	if ( ! is_int( $from ) || $from < 0 || ! is_int( $bucket_ms ) || $bucket_ms < 1 ) {
		return null;
	}
	if ( ! is_array( $max ) || ! is_array( $mean ) || ! array_is_list( $max ) || ! array_is_list( $mean ) || count( $max ) !== count( $mean ) || count( $max ) > 1440 ) {
		return null;
	}
	foreach ( $max as $value ) {
		if ( null !== $value && ( ! is_int( $value ) || $value < 0 ) ) {
			return null;
		}
	}
	foreach ( $mean as $i => $value ) {
		if ( null !== $value && ( ! ( is_int( $value ) || is_float( $value ) ) || $value < 0 ) ) {
			return null;
		}
		$mean[ $i ] = null === $value ? null : (float) $value;
	}
	return array(
		'from'      => $from,
		'bucket_ms' => $bucket_ms,
		'max'       => $max,
		'mean'      => $mean,
	);
}

/**
 * Reads the answer of GET /api/v1/top, skipping malformed entries.
 *
 * @since 0.1.0
 * @since 0.2.0 Entries carry `peak`, `peak_at` and `views` when the server sends them.
 * @since 0.2.0 And `series` (vip_presence_parse_series()) when asked and sent.
 *
 * @param mixed $data Decoded JSON.
 * @return array<int, array{post_id: int, count: int, peak?: int, peak_at?: int|null, views?: int}>|null
 *         Entries in the server's order, or null when the answer has no "posts" list.
 */
function vip_presence_parse_top_posts( $data ) {
	if ( ! is_array( $data ) || ! isset( $data['posts'] ) || ! is_array( $data['posts'] ) ) {
		return null;
	}
	$posts = array();
	foreach ( $data['posts'] as $entry ) {
		if ( ! is_array( $entry ) || ! isset( $entry['postId'], $entry['count'] ) ) {
			continue;
		}
		if ( ! vip_presence_is_post_id( $entry['postId'] ) || ! is_int( $entry['count'] ) || $entry['count'] < 0 ) {
			continue;
		}
		$post    = array(
			'post_id' => $entry['postId'],
			'count'   => $entry['count'],
		);
		$totals = vip_presence_parse_totals( $entry );
		$post   = null === $totals ? $post : $post + $totals;
		$series = isset( $entry['series'] ) ? vip_presence_parse_series( $entry['series'] ) : null;
		if ( null !== $series ) {
			$post['series'] = $series;
		}
		$posts[] = $post;
	}
	return $posts;
}

/**
 * Reads the answer of GET /api/v1/counts, skipping malformed entries.
 *
 * @since 0.1.0
 *
 * @param mixed $data Decoded JSON.
 * @return array<int, int>|null Counts keyed by post id, or null when the answer has no "counts" object.
 */
function vip_presence_parse_counts( $data ) {
	if ( ! is_array( $data ) || ! isset( $data['counts'] ) || ! is_array( $data['counts'] ) ) {
		return null;
	}
	$counts = array();
	foreach ( $data['counts'] as $key => $count ) {
		$post_id = is_string( $key ) && preg_match( '/^[1-9][0-9]{0,15}$/', $key ) ? (int) $key : $key;
		if ( vip_presence_is_post_id( $post_id ) && is_int( $count ) && $count >= 0 ) {
			$counts[ $post_id ] = $count;
		}
	}
	return $counts;
}

/**
 * Reads the `stats` of an answer of GET /api/v1/counts, skipping malformed entries.
 *
 * @since 0.2.0
 *
 * @param mixed $data Decoded JSON.
 * @return array<int, array{count: int, peak: int, peak_at: int|null, views: int}>|null Keyed by post id,
 *         or null when the answer has no "stats" object (a server before 0.2).
 */
function vip_presence_parse_post_stats( $data ) {
	if ( ! is_array( $data ) || ! isset( $data['stats'] ) || ! is_array( $data['stats'] ) ) {
		return null;
	}
	$stats = array();
	foreach ( $data['stats'] as $key => $entry ) {
		$post_id = is_string( $key ) && preg_match( '/^[1-9][0-9]{0,15}$/', $key ) ? (int) $key : $key;
		if ( ! vip_presence_is_post_id( $post_id ) || ! is_array( $entry ) || ! isset( $entry['count'] ) ) {
			continue;
		}
		$totals = vip_presence_parse_totals( $entry );
		if ( null === $totals || ! is_int( $entry['count'] ) || $entry['count'] < 0 ) {
			continue;
		}
		$stats[ $post_id ] = array( 'count' => $entry['count'] ) + $totals;
	}
	return $stats;
}

/**
 * Runs a cached API call: returns the cached result (or cached failure) when there is one.
 *
 * @since 0.1.0
 *
 * @param string   $cache_key Transient name.
 * @param string   $path      API path and query.
 * @param callable $parse     Turns the decoded JSON into the result; returns null when it is malformed.
 * @return mixed|WP_Error The parsed result or an error.
 */
function vip_presence_cached_api_get( $cache_key, $path, $parse ) {
	$cached = get_transient( $cache_key );
	if ( is_array( $cached ) && array_key_exists( 'result', $cached ) ) {
		return $cached['result'];
	}
	if ( is_array( $cached ) && isset( $cached['error_code'], $cached['error_message'] ) ) {
		return new WP_Error( $cached['error_code'], $cached['error_message'] );
	}
	$data = vip_presence_api_get( $path );
	if ( is_wp_error( $data ) && 'vip_presence_not_configured' === $data->get_error_code() ) {
		return $data;
	}
	$result = is_wp_error( $data ) ? $data : call_user_func( $parse, $data );
	if ( null === $result ) {
		$result = new WP_Error( 'vip_presence_bad_response', __( 'The presence server sent an answer of an unexpected shape.', 'vip-presence' ) );
	}
	$entry = is_wp_error( $result )
		? array(
			'error_code'    => $result->get_error_code(),
			'error_message' => $result->get_error_message(),
		)
		: array( 'result' => $result );
	set_transient( $cache_key, $entry, vip_presence_get_api_cache_ttl() );
	return $result;
}

/**
 * Returns the posts of this site with the most live viewers, as the server reports them.
 *
 * @since 0.1.0
 * @since 0.2.0 Of this site only (the read API's `site`).
 * @since 0.2.0 `$series`: each entry's readers over the last that many buckets, when the server keeps
 *              them (a server with SERIES_BUCKET_MS=0 is asked again without).
 *
 * @param int $limit  How many, 1 to 100.
 * @param int $series How many buckets of readers over time, 0 (none) to 1440.
 * @return array<int, array{post_id: int, count: int}>|WP_Error Entries, most viewers first, or an error.
 */
function vip_presence_get_top_posts( $limit = 10, $series = 0 ) {
	$limit  = max( 1, min( 100, (int) $limit ) );
	$series = max( 0, min( 1440, (int) $series ) );
	$site   = vip_presence_get_site_key();
	$query  = 'limit=' . $limit . ( $series > 0 ? '&series=' . $series : '' );
	$top    = vip_presence_cached_api_get(
		vip_presence_api_transient_name( 'top', $series > 0 ? $limit . '|' . $series : (string) $limit, $site ),
		vip_presence_read_api_path( '/api/v1/top?' . $query, $site ),
		'vip_presence_parse_top_posts'
	);
	if ( is_wp_error( $top ) && 'vip_presence_series_off' === $top->get_error_code() ) {
		return vip_presence_get_top_posts( $limit ); // The list still matters without its lines.
	}
	return $top;
}

/**
 * Returns a post's readers now, peak, views and readers over time (the last `$buckets` buckets).
 *
 * @since 0.2.0
 *
 * @param int $post_id Post id.
 * @param int $buckets How many buckets, 1 to 1440 (a minute each by default: 1440 is 24 hours).
 * @return array{count: int, peak: int, peak_at: int|null, views: int, series: array{from: int, bucket_ms: int, max: array<int, int|null>, mean: array<int, float|null>}}|WP_Error
 *         The post's figures, or an error (vip_presence_series_off when the server keeps no series).
 */
function vip_presence_get_post_series( $post_id, $buckets = 1440 ) {
	$post_id = (int) $post_id;
	$buckets = max( 1, min( 1440, (int) $buckets ) );
	$site    = vip_presence_get_site_key();
	$query   = 'postIds=' . $post_id . '&series=' . $buckets;
	$result  = vip_presence_cached_api_get(
		vip_presence_api_transient_name( 'series', $query, $site ),
		vip_presence_read_api_path( '/api/v1/counts?' . $query, $site ),
		static function ( $data ) use ( $post_id ) {
			$stats = vip_presence_parse_post_stats( $data );
			if ( ! is_array( $stats ) || ! isset( $stats[ $post_id ], $data['stats'][ (string) $post_id ]['series'] ) ) {
				return null;
			}
			$series = vip_presence_parse_series( $data['stats'][ (string) $post_id ]['series'] );
			return null === $series ? null : $stats[ $post_id ] + array( 'series' => $series );
		}
	);
	return $result;
}

/**
 * Returns the live viewer counts of some posts of this site (for themes that want counts without
 * JavaScript).
 *
 * @since 0.1.0
 * @since 0.2.0 Of this site only (the read API's `site`).
 *
 * @param int[] $post_ids Post ids (at most 100 are asked per request).
 * @return array<int, int>|WP_Error Counts keyed by post id, or an error.
 */
function vip_presence_get_live_counts( array $post_ids ) {
	$ids = array_values( array_unique( array_filter( array_map( 'intval', $post_ids ), 'vip_presence_is_post_id' ) ) );
	sort( $ids );
	$counts = array();
	$site   = vip_presence_get_site_key();
	foreach ( array_chunk( $ids, 100 ) as $chunk ) {
		$list   = implode( ',', $chunk );
		$result = vip_presence_cached_api_get(
			vip_presence_api_transient_name( 'counts', $list, $site ),
			vip_presence_read_api_path( '/api/v1/counts?postIds=' . $list, $site ),
			'vip_presence_parse_counts'
		);
		if ( is_wp_error( $result ) ) {
			return $result;
		}
		$counts += $result;
	}
	return $counts;
}

/**
 * Returns the readers now, the peak (and when it was reached) and the views of some posts of this site,
 * for the admin column.
 *
 * @since 0.2.0
 *
 * @param int[] $post_ids Post ids (at most 100 are asked per request).
 * @return array<int, array{count: int, peak: int, peak_at: int|null, views: int}>|WP_Error Keyed by post
 *         id, or an error (vip_presence_bad_response from a server that does not send them).
 */
function vip_presence_get_post_stats( array $post_ids ) {
	$ids = array_values( array_unique( array_filter( array_map( 'intval', $post_ids ), 'vip_presence_is_post_id' ) ) );
	sort( $ids );
	$stats = array();
	$site  = vip_presence_get_site_key();
	foreach ( array_chunk( $ids, 100 ) as $chunk ) {
		$list   = implode( ',', $chunk );
		$result = vip_presence_cached_api_get(
			vip_presence_api_transient_name( 'stats', $list, $site ),
			vip_presence_read_api_path( '/api/v1/counts?postIds=' . $list, $site ),
			'vip_presence_parse_post_stats'
		);
		if ( is_wp_error( $result ) ) {
			return $result;
		}
		$stats += $result;
	}
	return $stats;
}
