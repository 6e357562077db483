//! The streaming import on arbitrary bytes cut into arbitrary chunks gives
//! what one push gives (model and chart catalog in the transfer format, or
//! the same error kind), and the transfer decodes back.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&step, input)) = data.split_first() else {
        return;
    };
    let options = rtcview::ImportOptions { max_decoded_bytes: 1 << 22 };
    let encode = |r: Result<rtcview::Session, rtcview::ImportError>| {
        r.map(|s| rtcview::transfer::encode(&s)).map_err(|e| e.kind)
    };
    let whole = encode(rtcview::import_with(input, &options));
    let mut stream = rtcview::formats::ImportStream::new(options);
    let pushed = input
        .chunks(usize::from(step) + 1)
        .try_for_each(|c| stream.push(c));
    let chunked = encode(pushed.and_then(|()| stream.finish()));
    assert!(whole == chunked, "chunks of {} differ", usize::from(step) + 1);
    if let Ok(bytes) = whole {
        assert!(rtcview::transfer::decode(&bytes).is_some());
    }
});
