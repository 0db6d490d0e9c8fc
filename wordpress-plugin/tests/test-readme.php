<?php
/**
 * The developer README's tables say what the code does: options and defaults, scripts, files and
 * filters.
 *
 * @package vip-presence
 */

/**
 * Tests of README.md against the code.
 */
class VIP_Presence_Readme_Test extends VIP_Presence_Test_Case {

	/**
	 * Returns the rows of the first table of a section of README.md.
	 *
	 * @param string $heading The section's heading, without "## ".
	 * @return array<int, string[]> Cells of each row (header and separator left out), trimmed.
	 */
	private function table( $heading ) {
		$readme  = (string) file_get_contents( dirname( __DIR__ ) . '/README.md' );
		$section = explode( "\n## ", (string) explode( "\n## " . $heading . "\n", $readme )[1] )[0];
		$rows    = array();
		foreach ( explode( "\n", $section ) as $line ) {
			if ( 0 === strpos( $line, '| ' ) && false === strpos( $line, '| ---' ) ) {
				$rows[] = array_map( 'trim', array_slice( explode( ' | ', trim( $line, '| ' ) ), 0 ) );
			}
		}
		return array_slice( $rows, 1 );
	}

	/**
	 * Returns the text of a section of README.md.
	 *
	 * @param string $heading The section's heading, without "## ".
	 * @return string
	 */
	private function section( $heading ) {
		$readme = (string) file_get_contents( dirname( __DIR__ ) . '/README.md' );
		return explode( "\n## ", (string) explode( "\n## " . $heading . "\n", $readme )[1] )[0];
	}

	public function test_lists_every_option_with_its_default() {
		$documented = array();
		foreach ( $this->table( 'Options and constants' ) as $row ) {
			$documented[ trim( $row[0], '`' ) ] = $row[2];
		}
		$defaults = vip_presence_get_setting_defaults();
		$this->assertSame( array_keys( $defaults ), array_keys( $documented ) );
		foreach ( $defaults as $name => $default ) {
			if ( is_array( $default ) ) {
				$written = "['" . implode( "', '", $default ) . "']";
			} else {
				$written = '' === $default ? "''" : (string) $default;
			}
			$this->assertSame( '`' . $written . '`', $documented[ $name ], $name );
		}
	}

	public function test_lists_every_script_the_plugin_registers() {
		$handles = array_map(
			function ( $row ) {
				return trim( $row[0], '`' );
			},
			$this->table( 'Scripts' )
		);
		foreach ( array( 'vip-presence-client', 'vip-presence-widget', 'vip-presence-admin-column', 'vip-presence-dashboard-widget' ) as $handle ) {
			$this->assertContains( $handle, $handles );
			$file = (string) file_get_contents( VIP_PRESENCE_PLUGIN_DIR . '/includes/assets.php' );
			$this->assertStringContainsString( "'" . $handle . "'", $file, $handle . ' is registered in assets.php' );
		}
	}

	public function test_lists_every_file_of_includes() {
		$documented = array();
		foreach ( $this->table( 'Layout' ) as $row ) {
			if ( 0 === strpos( $row[0], '`includes/' ) ) {
				$documented[] = trim( $row[0], '`' );
			}
		}
		$files = array_map(
			function ( $path ) {
				return 'includes/' . basename( $path );
			},
			glob( VIP_PRESENCE_PLUGIN_DIR . '/includes/*.php' )
		);
		sort( $documented );
		sort( $files );
		$this->assertSame( $files, $documented );
	}

	public function test_names_every_filter_the_plugin_applies() {
		$applied = array();
		foreach ( glob( VIP_PRESENCE_PLUGIN_DIR . '/includes/*.php' ) as $path ) {
			preg_match_all( "/apply_filters\\(\\s*'(vip_presence_[a-z_]+)'/", (string) file_get_contents( $path ), $matches );
			$applied = array_merge( $applied, $matches[1] );
		}
		preg_match_all( '/`(vip_presence_[a-z_]+)`/', $this->section( 'Hooks' ), $matches );
		$applied = array_values( array_unique( $applied ) );
		sort( $applied );
		$named = array_values( array_unique( $matches[1] ) );
		sort( $named );
		$this->assertSame( $applied, $named );
	}
}
