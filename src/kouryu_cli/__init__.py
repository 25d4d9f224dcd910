"""kouryu: query the 「交流」 field of 山陽小野田市's スマイルエイジング チャレンジプログラム."""

__version__ = "0.1.0"
